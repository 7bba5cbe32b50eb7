package dev.kubeguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.e2e.controlplane.ControlPlane;
import dev.kubeguard.e2e.controlplane.RealApiServer;
import dev.kubeguard.e2e.support.Callers;
import dev.kubeguard.e2e.support.Fabric8Backend;
import dev.kubeguard.e2e.support.Fabric8Clients;
import dev.kubeguard.e2e.support.GuardUnderTest;
import dev.kubeguard.e2e.support.Planted;
import dev.kubeguard.e2e.support.TestNamespace;
import dev.kubeguard.fabric8.GuardedKubernetesClient;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reads of Secrets, ConfigMaps and Deployments holding planted secret values, through the guarded
 * fabric8 client on its JDK and Vert.x backends against the real API server: get, list, watch,
 * {@code as=Table} and an informer all hand the caller masked objects, and the Guard's own audit
 * trail holds none of the values either.
 */
@RealApiServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaskedReadsThroughFabric8Test {

  private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

  private KubernetesClient admin;
  private GuardUnderTest gut;
  private String ns;
  private final Map<Fabric8Backend, GuardedKubernetesClient> guarded = new EnumMap<>(Fabric8Backend.class);

  @BeforeAll
  void plant(ControlPlane cp) {
    admin = Fabric8Clients.unguarded(cp, cp.admin());
    ns = TestNamespace.create(admin, "reads-f8");
    admin.resource(Planted.secret(ns, "db-creds")).create();
    admin.resource(Planted.configMap(ns, "app-config")).create();
    admin.resource(Planted.deployment(ns, "web")).create();
    // The values really are stored: without the Guard they come back as planted.
    assertThat(admin.secrets().inNamespace(ns).withName("db-creds").get().getData().get("password"))
        .isEqualTo(Planted.base64(Planted.SECRET_PASSWORD));
    gut = GuardUnderTest.start();
    for (Fabric8Backend b : new Fabric8Backend[] {Fabric8Backend.JDK, Fabric8Backend.VERTX}) {
      guarded.put(b, Fabric8Clients.guarded(cp, gut.guard, b));
    }
  }

  @AfterEach
  void guardTrailHoldsNoPlantedValue() {
    Planted.assertNoneIn("the Guard's audit trail", gut.trail.fileText());
  }

  @AfterAll
  void close() throws Exception {
    guarded.values().forEach(GuardedKubernetesClient::close);
    admin.close();
    gut.close();
  }

  private KubernetesClient developer(Fabric8Backend backend) {
    return guarded.get(backend).as(Callers.DEVELOPER);
  }

  private static String json(KubernetesClient c, Object o) {
    return c.getKubernetesSerialization().asJson(o);
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "VERTX"})
  void getAndListOfSecretsConfigMapsAndDeploymentsReachTheCallerMasked(Fabric8Backend backend) {
    KubernetesClient dev = developer(backend);

    Secret secret = dev.secrets().inNamespace(ns).withName("db-creds").get();
    String all = String.join("\n",
        json(dev, secret),
        json(dev, dev.secrets().inNamespace(ns).list()),
        json(dev, dev.configMaps().inNamespace(ns).withName("app-config").get()),
        json(dev, dev.configMaps().inNamespace(ns).list()),
        json(dev, dev.apps().deployments().inNamespace(ns).withName("web").get()),
        json(dev, dev.apps().deployments().inNamespace(ns).list()));

    Planted.assertNoneIn("what the caller got", all);
    // Masked, not dropped: the key is there and still decodes as base64.
    assertThat(Base64.getDecoder().decode(secret.getData().get("password"))).isNotEmpty();
    assertThat(dev.configMaps().inNamespace(ns).withName("app-config").get().getData()).containsEntry("mode", "fast");
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "VERTX"})
  void watchEventsOfNewSecretsAndConfigMapsArriveMasked(Fabric8Backend backend) throws Exception {
    KubernetesClient dev = developer(backend);
    BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
    String name = "watched-" + backend.name().toLowerCase();

    try (Watch secrets = dev.secrets().inNamespace(ns).watch(collect(seen));
        Watch configMaps = dev.configMaps().inNamespace(ns).watch(collect(seen))) {
      admin.resource(Planted.secret(ns, name)).create();
      admin.resource(Planted.configMap(ns, name)).create();

      StringBuilder events = new StringBuilder();
      int added = 0;
      while (added < 2) {
        Object o = seen.poll(30, TimeUnit.SECONDS);
        assertThat(o).as("a watch event for " + name).isNotNull();
        String text = json(dev, o);
        events.append(text).append('\n');
        if (text.contains("\"name\":\"" + name + "\"")) {
          added++;
        }
      }
      Planted.assertNoneIn("watch events", events.toString());
    }
  }

  private static <T> Watcher<T> collect(BlockingQueue<Object> seen) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        seen.add(resource);
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "VERTX"})
  void tableRowsOfSecretsAndConfigMapsAreMaskedEvenWithWholeObjects(Fabric8Backend backend) throws Exception {
    HttpClient http = developer(backend).getHttpClient();
    String base = guarded.get(backend).client().getMasterUrl().toString().replaceAll("/$", "");
    StringBuilder bodies = new StringBuilder();

    for (String path : new String[] {"/api/v1/namespaces/" + ns + "/secrets", "/api/v1/namespaces/" + ns + "/secrets?includeObject=Object",
        "/api/v1/namespaces/" + ns + "/configmaps?includeObject=Object"}) {
      HttpResponse<byte[]> r = http.sendAsync(http.newHttpRequestBuilder().uri(base + path).header("Accept", TABLE).build(), byte[].class)
          .get(30, TimeUnit.SECONDS);
      String body = new String(r.body(), StandardCharsets.UTF_8);
      assertThat(r.code()).as(body).isEqualTo(200);
      assertThat(body).contains("\"kind\":\"Table\"").contains("\"rows\"");
      bodies.append(body).append('\n');
    }

    Planted.assertNoneIn("as=Table responses", bodies.toString());
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "VERTX"})
  void informerSyncsMaskedSecretsAndStaysMaskedForLaterOnes(Fabric8Backend backend) throws Exception {
    KubernetesClient dev = developer(backend);
    String later = "informed-" + backend.name().toLowerCase();

    try (SharedIndexInformer<Secret> informer = dev.secrets().inNamespace(ns).inform()) {
      assertThat(informer.hasSynced()).isTrue();
      assertThat(informer.getStore().list()).extracting(s -> s.getMetadata().getName()).contains("db-creds");
      admin.resource(Planted.secret(ns, later)).create();
      long deadline = System.currentTimeMillis() + 30_000;
      while (informer.getStore().getByKey(ns + "/" + later) == null && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertThat(informer.getStore().getByKey(ns + "/" + later)).as("the informer saw " + later).isNotNull();
      Planted.assertNoneIn("the informer's cache", json(dev, informer.getStore().list()));
    }
  }
}
