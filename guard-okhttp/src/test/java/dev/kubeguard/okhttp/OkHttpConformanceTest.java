package dev.kubeguard.okhttp;

import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import dev.kubeguard.testkit.AdapterConformanceSuite;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** The shared adapter behaviour, run against a plain OkHttp client carrying the GuardInterceptor. */
class OkHttpConformanceTest extends AdapterConformanceSuite {

  private static final OkHttpClient BASE = new OkHttpClient.Builder().readTimeout(60, TimeUnit.SECONDS).build();

  @Override
  protected Exchange call(Guard guard, Identity identity, URI server, String method, String pathAndQuery,
      Map<String, String> headers, byte[] body) throws Exception {
    OkHttpClient client = identity == null
        ? GuardedOkHttp.with(BASE, GuardInterceptor.builder(guard).build())
        : GuardedOkHttp.forIdentity(BASE, guard, identity);
    Request.Builder request = new Request.Builder().url(server + pathAndQuery);
    headers.forEach(request::header);
    String type = headers.getOrDefault("Content-Type", "application/json");
    request.method(method, body == null ? null : RequestBody.create(body, MediaType.get(type)));
    try (Response response = client.newCall(request.build()).execute()) {
      return new Exchange(response.code(), response.body().string(), response.headers().toMultimap());
    }
  }
}
