package dev.kubeguard.fabric8;

import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import dev.kubeguard.testkit.AdapterConformanceSuite;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The shared adapter conformance suite run through a guarded fabric8 client: raw calls through the
 * client's own {@code HttpClient}, which runs every interceptor. One subclass per HTTP backend.
 */
abstract class Fabric8Conformance extends AdapterConformanceSuite {

  abstract Backend backend();

  // One retry: fabric8 tells interceptors of a connection failure only when it is going to retry
  // (AsyncUtils.retryWithExponentialBackoff), so with no retries at all no failure could be recorded.

  @Override
  protected Exchange call(Guard guard, Identity identity, URI server, String method, String pathAndQuery,
      Map<String, String> headers, byte[] body) throws Exception {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server.toString()).withNamespace("shop")
        .withRequestRetryBackoffLimit(1).withRequestRetryBackoffInterval(10).build();
    try (GuardedKubernetesClient guarded = KubeGuardFabric8.builder(guard).config(config)
        .httpClientFactory(backend().factory()).build()) {
      KubernetesClient client = identity == null ? guarded.client() : guarded.as(identity);
      HttpClient http = client.getHttpClient();
      HttpRequest.Builder request = http.newHttpRequestBuilder().uri(server.resolve(pathAndQuery).toString());
      headers.forEach(request::header);
      if (body != null) {
        String contentType = headers.getOrDefault("Content-Type", "application/json");
        request.method(method, contentType, new ByteArrayInputStream(body), (long) body.length);
      } else if (!method.equals("GET")) {
        request.method(method, null, (String) null);
      }
      try {
        HttpResponse<byte[]> response = http.sendAsync(request.build(), byte[].class).get(30, TimeUnit.SECONDS);
        return new Exchange(response.code(), response.body() == null ? "" : new String(response.body(), StandardCharsets.UTF_8),
            response.headers());
      } catch (KubernetesClientException e) {
        return denial(client, e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof KubernetesClientException k && k.getStatus() != null) {
          return denial(client, k);
        }
        throw e.getCause() instanceof Exception c ? c : e;
      }
    }
  }

  private static Exchange denial(KubernetesClient client, KubernetesClientException e) throws KubernetesClientException {
    if (e.getStatus() == null) {
      throw e;
    }
    return new Exchange(e.getCode(), client.getKubernetesSerialization().asJson(e.getStatus()),
        Map.of("Content-Type", java.util.List.of("application/json")));
  }
}
