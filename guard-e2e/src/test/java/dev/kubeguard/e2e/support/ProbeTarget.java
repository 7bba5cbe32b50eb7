package dev.kubeguard.e2e.support;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The objects the differential property's paths point at: a namespace the prober may read
 * ({@link #allowed}) and kube-system, which it may not, each holding a ConfigMap
 * {@code app-config} and a Secret {@code db-creds}, so a path that lands somewhere else than it
 * was judged finds something there.
 */
public record ProbeTarget(String allowed, String other) {

  public static ProbeTarget create(KubernetesClient admin, String what) {
    String ns = TestNamespace.create(admin, what);
    for (String n : new String[] {ns, "kube-system"}) {
      admin.resource(Planted.configMap(n, "app-config")).createOr(c -> c.update());
      admin.resource(Planted.secret(n, "db-creds")).createOr(c -> c.update());
    }
    return new ProbeTarget(ns, "kube-system");
  }
}
