package dev.kubeguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.reflect.TypeToken;
import dev.kubeguard.e2e.controlplane.ControlPlane;
import dev.kubeguard.e2e.controlplane.RealApiServer;
import dev.kubeguard.e2e.support.Callers;
import dev.kubeguard.e2e.support.Fabric8Clients;
import dev.kubeguard.e2e.support.GuardUnderTest;
import dev.kubeguard.e2e.support.Planted;
import dev.kubeguard.e2e.support.TestNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.util.Watch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The same planted values read through the official Kubernetes Java client behind guard-okhttp:
 * get, list, watch and {@code as=Table} hand the caller masked objects (which still deserialize),
 * and the Guard's audit trail holds none of the values.
 */
@RealApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaskedReadsThroughOfficialClientTest {

  private KubernetesClient admin;
  private GuardUnderTest gut;
  private String ns;
  private ApiClient client;
  private String token;

  @BeforeAll
  void plant(ControlPlane cp) {
    admin = Fabric8Clients.unguarded(cp, cp.admin());
    ns = TestNamespace.create(admin, "reads-official");
    admin.resource(Planted.secret(ns, "db-creds")).create();
    admin.resource(Planted.configMap(ns, "app-config")).create();
    admin.resource(Planted.deployment(ns, "web")).create();
    gut = GuardUnderTest.start();
    token = cp.admin().token();
    client = dev.kubeguard.e2e.support.OfficialClients.guarded(cp, gut.guard, Callers.DEVELOPER);
  }

  @AfterEach
  void guardTrailHoldsNoPlantedValue() {
    Planted.assertNoneIn("the Guard's audit trail", gut.trail.fileText());
  }

  @AfterAll
  void close() throws Exception {
    admin.close();
    gut.close();
  }

  @Test
  void getAndListOfSecretsConfigMapsAndDeploymentsReachTheCallerMasked() throws Exception {
    CoreV1Api core = new CoreV1Api(client);
    AppsV1Api apps = new AppsV1Api(client);
    JSON json = client.getJSON();

    V1Secret secret = core.readNamespacedSecret("db-creds", ns).execute();
    String all = String.join("\n",
        json.serialize(secret),
        json.serialize(core.listNamespacedSecret(ns).execute()),
        json.serialize(core.readNamespacedConfigMap("app-config", ns).execute()),
        json.serialize(core.listNamespacedConfigMap(ns).execute()),
        json.serialize(apps.readNamespacedDeployment("web", ns).execute()),
        json.serialize(apps.listNamespacedDeployment(ns).execute()));

    Planted.assertNoneIn("what the caller got", all);
    assertThat(secret.getData().get("password")).isNotEmpty();
  }

  @Test
  void watchEventsOfANewSecretArriveMasked() throws Exception {
    CoreV1Api core = new CoreV1Api(client);
    try (Watch<V1Secret> watch = Watch.createWatch(client,
        core.listNamespacedSecret(ns).watch(true).buildCall(null), new TypeToken<Watch.Response<V1Secret>>() {}.getType())) {
      CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
        StringBuilder events = new StringBuilder();
        for (Watch.Response<V1Secret> event : watch) {
          events.append(client.getJSON().serialize(event.object)).append('\n');
          if ("watched".equals(event.object.getMetadata().getName())) {
            return events.toString();
          }
        }
        return events.toString();
      });
      admin.resource(Planted.secret(ns, "watched")).create();

      String events = seen.get(30, TimeUnit.SECONDS);
      assertThat(events).contains("\"name\":\"watched\"");
      Planted.assertNoneIn("watch events", events);
    }
  }

  @Test
  void tableRowsWithWholeObjectsAreMasked() throws Exception {
    String base = client.getBasePath();
    StringBuilder bodies = new StringBuilder();
    for (String path : new String[] {"/api/v1/namespaces/" + ns + "/secrets?includeObject=Object",
        "/api/v1/namespaces/" + ns + "/configmaps?includeObject=Object"}) {
      try (Response r = client.getHttpClient().newCall(new Request.Builder().url(base + path)
          .header("Authorization", "Bearer " + token)
          .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json").build()).execute()) {
        String body = r.body().string();
        assertThat(r.code()).as(body).isEqualTo(200);
        assertThat(body).contains("\"kind\":\"Table\"");
        bodies.append(body).append('\n');
      }
    }
    Planted.assertNoneIn("as=Table responses", bodies.toString());
  }
}
