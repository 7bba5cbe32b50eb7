package dev.kubeguard.e2e.support;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh namespace per test class, {@code e2e-<what>-<random>}, so classes sharing the control
 * plane never see each other's objects. Namespaces are never finalized here (no
 * controller-manager), so none is deleted: the control plane goes away at the end of the run.
 */
public final class TestNamespace {

  public static String create(KubernetesClient admin, String what) {
    String name = ("e2e-" + what + "-" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    // No controller-manager creates it here, and pod admission requires it.
    admin.serviceAccounts().inNamespace(name).resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
        .withNewMetadata().withName("default").endMetadata().build()).create();
    return name;
  }

  private TestNamespace() {}
}
