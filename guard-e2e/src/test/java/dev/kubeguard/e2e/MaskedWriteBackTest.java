package dev.kubeguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kubeguard.e2e.support.Callers;
import dev.kubeguard.e2e.support.Fabric8Backend;
import dev.kubeguard.e2e.support.Fabric8Clients;
import dev.kubeguard.e2e.support.Planted;
import dev.kubeguard.e2e.support.TestNamespace;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Read-modify-write through the guarded fabric8 client against the real server: a Secret and a
 * ConfigMap read masked, given a label and written back whole with {@code update()} would store
 * the mask tokens over the real values, so the Guard refuses the write before sending it (422
 * {@code Invalid} naming the fields); an unguarded read shows both objects untouched, and the
 * suggested path, a patch of only the label ({@code edit()}, {@code patch()}), is stored and keeps
 * the values.
 */
class MaskedWriteBackTest extends AgainstTheRealServer {

  private String ns;

  @BeforeAll
  void plant() {
    ns = TestNamespace.create(admin, "write-back");
  }

  @AfterEach
  void guardTrailHoldsNoPlantedValue() {
    Planted.assertNoneIn("the Guard's audit trail", gut.trail.fileText());
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "VERTX"})
  void updateOfAMaskedSecretIsRefusedAndTheLabelPatchKeepsItsValues(Fabric8Backend backend) {
    String name = "db-creds-" + backend.name().toLowerCase();
    Secret stored = admin.resource(Planted.secret(ns, name)).create();
    try (GuardedKubernetesClient guarded = Fabric8Clients.guarded(cp, gut.guard, backend)) {
      KubernetesClient op = guarded.as(Callers.OPERATOR);
      Secret read = op.secrets().inNamespace(ns).withName(name).get();
      assertThat(decoded(read.getData().get("password"))).as("the caller reads a token").startsWith("kubeguard-masked:");
      Secret labelled = new SecretBuilder(read).editMetadata().addToLabels("tier", "db").endMetadata().build();

      KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class,
          () -> op.secrets().inNamespace(ns).resource(labelled).update());

      assertInvalidNaming(refused, "data.password");
      assertUntouched(admin.secrets().inNamespace(ns).withName(name).get(), stored);
      assertThat(admin.secrets().inNamespace(ns).withName(name).get().getData().get("password"))
          .isEqualTo(Planted.base64(Planted.SECRET_PASSWORD));

      op.secrets().inNamespace(ns).withName(name)
          .edit(s -> new SecretBuilder(s).editMetadata().addToLabels("tier", "db").endMetadata().build());
    }

    Secret after = admin.secrets().inNamespace(ns).withName(name).get();
    assertThat(after.getMetadata().getLabels()).containsEntry("tier", "db");
    assertThat(after.getData().get("password")).isEqualTo(Planted.base64(Planted.SECRET_PASSWORD));
    assertThat(after.getMetadata().getAnnotations()).isEqualTo(stored.getMetadata().getAnnotations());
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "VERTX"})
  void updateOfAMaskedConfigMapIsRefusedAndTheLabelPatchKeepsItsValues(Fabric8Backend backend) {
    String name = "app-config-" + backend.name().toLowerCase();
    ConfigMap stored = admin.resource(Planted.configMap(ns, name)).create();
    try (GuardedKubernetesClient guarded = Fabric8Clients.guarded(cp, gut.guard, backend)) {
      KubernetesClient op = guarded.as(Callers.OPERATOR);
      ConfigMap read = op.configMaps().inNamespace(ns).withName(name).get();
      assertThat(read.getData().get("db_password")).as("the caller reads a token").startsWith("kubeguard-masked:");
      ConfigMap labelled = new ConfigMapBuilder(read).editMetadata().addToLabels("tier", "web").endMetadata().build();

      KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class,
          () -> op.configMaps().inNamespace(ns).resource(labelled).update());

      assertInvalidNaming(refused, "data.db_password");
      assertUntouched(admin.configMaps().inNamespace(ns).withName(name).get(), stored);

      op.configMaps().inNamespace(ns).withName(name)
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"tier\":\"web\"}}}");
    }

    ConfigMap after = admin.configMaps().inNamespace(ns).withName(name).get();
    assertThat(after.getMetadata().getLabels()).containsEntry("tier", "web");
    assertThat(after.getData()).isEqualTo(stored.getData()).containsEntry("db_password", Planted.CONFIG_PASSWORD);
    assertThat(after.getMetadata().getAnnotations()).isEqualTo(stored.getMetadata().getAnnotations());
  }

  private static void assertInvalidNaming(KubernetesClientException refused, String field) {
    assertThat(refused).as("the write-back was refused").isNotNull();
    assertThat(refused.getCode()).isEqualTo(422);
    assertThat(refused.getStatus().getReason()).isEqualTo("Invalid");
    assertThat(refused.getStatus().getDetails().getCauses()).extracting(StatusCause::getField).contains(field);
    assertThat(refused.getStatus().getMessage()).contains(field).contains("masked").contains("patch").contains(".edit()");
  }

  // Nothing reached the server: not even the metadata changed.
  private static void assertUntouched(HasMetadata now, HasMetadata stored) {
    assertThat(now.getMetadata().getResourceVersion()).isEqualTo(stored.getMetadata().getResourceVersion());
    Map<String, String> labels = now.getMetadata().getLabels();
    assertThat(labels == null ? Map.of() : labels).doesNotContainKey("tier");
  }

  private static String decoded(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
  }
}
