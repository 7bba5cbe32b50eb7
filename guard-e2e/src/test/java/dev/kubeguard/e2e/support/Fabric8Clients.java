package dev.kubeguard.e2e.support;

import dev.kubeguard.core.Guard;
import dev.kubeguard.e2e.controlplane.ControlPlane;
import dev.kubeguard.e2e.controlplane.TokenUser;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import dev.kubeguard.fabric8.KubeGuardFabric8;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;

/**
 * fabric8 clients for the control plane: guarded ones holding the admin token (the Guard's
 * service credentials, narrowed per caller), and unguarded ones to read back what is stored.
 * Stateless; the caller closes what it gets.
 */
public final class Fabric8Clients {

  /** A guarded client on {@code backend}; bind callers with {@code as(identity)}. */
  public static GuardedKubernetesClient guarded(ControlPlane cp, Guard guard, Fabric8Backend backend) {
    return KubeGuardFabric8.builder(guard).config(config(cp, cp.admin())).httpClientFactory(backend.factory()).build();
  }

  /** A plain client acting as {@code user} with its own token: no Guard in the way. */
  public static KubernetesClient unguarded(ControlPlane cp, TokenUser user) {
    return new KubernetesClientBuilder().withConfig(config(cp, user)).withHttpClientFactory(new JdkHttpClientFactory()).build();
  }

  private static Config config(ControlPlane cp, TokenUser user) {
    // No retries: a retried request would be judged (and audited) twice, muddling the audit ids.
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(cp.url().toString())
        .withCaCertFile(cp.servingCert().toString())
        .withOauthToken(user.token())
        .withRequestRetryBackoffLimit(0)
        .build();
  }

  private Fabric8Clients() {}
}
