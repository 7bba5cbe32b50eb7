package dev.kubeguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kubeguard.e2e.support.Callers;
import dev.kubeguard.e2e.support.Fabric8Backend;
import dev.kubeguard.e2e.support.Fabric8Clients;
import dev.kubeguard.e2e.support.OfficialClients;
import dev.kubeguard.e2e.support.Planted;
import dev.kubeguard.e2e.support.TestNamespace;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.PatchUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Server-side apply, strategic-merge and JSON patches against the real server, allowed or denied
 * by the policy (ConfigMaps may be written, Deployments and Secrets may not): an allowed write is
 * stored, and a denied one leaves the stored object exactly as it was, read back as the admin.
 */
class WritesByPolicyTest extends AgainstTheRealServer {

  private String ns;

  @BeforeAll
  void plant() {
    ns = TestNamespace.create(admin, "writes");
  }


  @ParameterizedTest
  @EnumSource(names = {"JDK", "VERTX"})
  void allowedApplyAndPatchesOfAConfigMapAreStored(Fabric8Backend backend) {
    String name = "settings-" + backend.name().toLowerCase();
    try (GuardedKubernetesClient guarded = Fabric8Clients.guarded(cp, gut.guard, backend)) {
      KubernetesClient dev = guarded.as(Callers.DEVELOPER);
      ConfigMap applied = new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
          .addToData("mode", "fast").build();

      dev.configMaps().inNamespace(ns).resource(applied).fieldManager("kubeguard-e2e").forceConflicts().serverSideApply();
      dev.configMaps().inNamespace(ns).withName(name)
          .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"data\":{\"level\":\"debug\"}}");
      dev.configMaps().inNamespace(ns).withName(name)
          .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/data/mode\",\"value\":\"slow\"}]");
    }

    assertThat(admin.configMaps().inNamespace(ns).withName(name).get().getData())
        .containsEntry("mode", "slow").containsEntry("level", "debug");
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "VERTX"})
  void deniedApplyAndPatchesOfADeploymentAndASecretLeaveThemUnchanged(Fabric8Backend backend) {
    String name = "locked-" + backend.name().toLowerCase();
    Deployment before = admin.resource(Planted.deployment(ns, name)).create();
    String secretBefore = admin.resource(Planted.secret(ns, name)).create().getData().get("password");
    try (GuardedKubernetesClient guarded = Fabric8Clients.guarded(cp, gut.guard, backend)) {
      KubernetesClient dev = guarded.as(Callers.DEVELOPER);
      Deployment changed = Planted.deployment(ns, name);
      changed.getSpec().setReplicas(5);

      assertForbidden(() -> dev.apps().deployments().inNamespace(ns).resource(changed).fieldManager("kubeguard-e2e")
          .forceConflicts().serverSideApply(), "no-deployment-writes");
      assertForbidden(() -> dev.apps().deployments().inNamespace(ns).withName(name)
          .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"spec\":{\"replicas\":7}}"), "no-deployment-writes");
      assertForbidden(() -> dev.secrets().inNamespace(ns).withName(name)
          .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/data/password\",\"value\":\"b3duZWQ=\"}]"),
          "no-secret-writes");
    }

    Deployment after = admin.apps().deployments().inNamespace(ns).withName(name).get();
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(after.getSpec().getReplicas()).isEqualTo(before.getSpec().getReplicas());
    assertThat(admin.secrets().inNamespace(ns).withName(name).get().getData().get("password")).isEqualTo(secretBefore);
  }

  @Test
  void officialClientPatchesAreAllowedOrDeniedByPolicyAndDeniedOnesChangeNothing() throws Exception {
    String name = "official";
    admin.resource(new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .addToData("mode", "fast").build()).create();
    Deployment before = admin.resource(Planted.deployment(ns, name)).create();
    ApiClient client = OfficialClients.guarded(cp, gut.guard, Callers.DEVELOPER);
    CoreV1Api core = new CoreV1Api(client);
    AppsV1Api apps = new AppsV1Api(client);

    PatchUtils.patch(io.kubernetes.client.openapi.models.V1ConfigMap.class,
        () -> core.patchNamespacedConfigMap(name, ns, new V1Patch("[{\"op\":\"add\",\"path\":\"/data/level\",\"value\":\"debug\"}]"))
            .buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_PATCH, client);
    ApiException denied = catchThrowableOfType(ApiException.class, () -> PatchUtils.patch(
        io.kubernetes.client.openapi.models.V1Deployment.class,
        () -> apps.patchNamespacedDeployment(name, ns, new V1Patch("{\"spec\":{\"replicas\":9}}")).buildCall(null),
        V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH, client));

    assertThat(admin.configMaps().inNamespace(ns).withName(name).get().getData()).containsEntry("level", "debug");
    assertThat(denied.getCode()).isEqualTo(403);
    assertThat(denied.getResponseBody()).contains("no-deployment-writes");
    assertThat(admin.apps().deployments().inNamespace(ns).withName(name).get().getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
  }

  private static void assertForbidden(org.assertj.core.api.ThrowableAssert.ThrowingCallable write, String rule) {
    KubernetesClientException e = catchThrowableOfType(KubernetesClientException.class, write);
    assertThat(e).as("the write was refused").isNotNull();
    assertThat(e.getCode()).isEqualTo(403);
    assertThat(e.getMessage()).contains(rule);
  }
}
