package dev.kubeguard.e2e.support;

import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import dev.kubeguard.e2e.controlplane.ControlPlane;
import dev.kubeguard.okhttp.GuardedOkHttp;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.credentials.AccessTokenAuthentication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * The official Kubernetes Java client (client-java) for the control plane, its OkHttp client
 * guarded by guard-okhttp for one caller, holding the admin token as the Guard's service
 * credentials. Stateless.
 */
public final class OfficialClients {

  public static ApiClient guarded(ControlPlane cp, Guard guard, Identity caller) {
    try {
      ApiClient client = new ClientBuilder()
          .setBasePath(cp.url().toString())
          .setCertificateAuthority(Files.readAllBytes(cp.servingCert()))
          .setAuthentication(new AccessTokenAuthentication(cp.admin().token()))
          .build();
      // No read timeout: watches stay open until the scenario closes them.
      client.setHttpClient(GuardedOkHttp.forIdentity(
          client.getHttpClient().newBuilder().readTimeout(java.time.Duration.ZERO).build(), guard, caller));
      return client;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private OfficialClients() {}
}
