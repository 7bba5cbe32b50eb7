package dev.kubeguard.e2e.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Raw requests through a guarded fabric8 client's own {@code HttpClient}, which runs every
 * interceptor, the Guard's included. A denial thrown by the Guard is turned back into the
 * {@code Status} it carries.
 */
public final class Fabric8Probe implements Probe {

  private final KubernetesClient client;
  private final URI server;

  public Fabric8Probe(KubernetesClient client, URI server) {
    this.client = client;
    this.server = server;
  }

  @Override
  public Answer get(String pathAndQuery) throws Exception {
    HttpClient http = client.getHttpClient();
    try {
      HttpResponse<byte[]> r = http.sendAsync(http.newHttpRequestBuilder().uri(server + pathAndQuery).build(), byte[].class)
          .get(30, TimeUnit.SECONDS);
      return new Answer(r.code(), r.body() == null ? "" : new String(r.body(), StandardCharsets.UTF_8));
    } catch (KubernetesClientException e) {
      return denial(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KubernetesClientException k) {
        return denial(k);
      }
      throw e;
    }
  }

  private Answer denial(KubernetesClientException e) {
    if (e.getStatus() == null) {
      throw e;
    }
    return new Answer(e.getCode(), client.getKubernetesSerialization().asJson(e.getStatus()));
  }
}
