package dev.kubeguard.okhttp;

import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import dev.kubeguard.testkit.AdapterConformanceSuite;
import io.kubernetes.client.openapi.ApiClient;
import java.net.URI;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The shared adapter behaviour through the official Kubernetes Java client's own OkHttpClient
 * (its timeouts, interceptors and redirect defaults), guarded as its users guard it: by handing
 * {@link GuardedOkHttp} the client {@code ApiClient} built and setting the result back.
 */
class OfficialClientConformanceTest extends AdapterConformanceSuite {

  @Override
  protected Exchange call(Guard guard, Identity identity, URI server, String method, String pathAndQuery,
      Map<String, String> headers, byte[] body) throws Exception {
    ApiClient api = new ApiClient();
    api.setBasePath(server.toString());
    OkHttpClient client = identity == null
        ? GuardedOkHttp.with(api.getHttpClient(), GuardInterceptor.builder(guard).build())
        : GuardedOkHttp.forIdentity(api.getHttpClient(), guard, identity);
    api.setHttpClient(client);
    Request.Builder request = new Request.Builder().url(api.getBasePath() + pathAndQuery);
    headers.forEach(request::header);
    String type = headers.getOrDefault("Content-Type", "application/json");
    request.method(method, body == null ? null : RequestBody.create(body, MediaType.get(type)));
    try (Response response = api.getHttpClient().newCall(request.build()).execute()) {
      return new Exchange(response.code(), response.body().string(), response.headers().toMultimap());
    }
  }
}
