package dev.kubeguard.e2e;

import dev.kubeguard.e2e.controlplane.ControlPlane;
import dev.kubeguard.e2e.controlplane.RealApiServer;
import dev.kubeguard.e2e.support.Fabric8Clients;
import dev.kubeguard.e2e.support.GuardUnderTest;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What every scenario against the real server starts from: the run's control plane, an
 * unguarded admin client to plant and read back objects, and a Guard under test. A subclass's own
 * {@code @BeforeAll} runs after this one's, and its {@code @AfterAll} before this one's.
 */
@RealApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AgainstTheRealServer {

  ControlPlane cp;
  KubernetesClient admin;
  GuardUnderTest gut;

  @BeforeAll
  void startGuard(ControlPlane controlPlane) {
    cp = controlPlane;
    admin = Fabric8Clients.unguarded(cp, cp.admin());
    gut = GuardUnderTest.start();
  }

  @AfterAll
  void stopGuard() throws Exception {
    admin.close();
    gut.close();
  }
}
