package dev.kubeguard.e2e.support;

import java.net.URI;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Raw requests through the official client's guarded {@link OkHttpClient}. client-java adds the
 * bearer token per call (not in the OkHttp client), so raw calls carry it themselves.
 */
public final class OkHttpProbe implements Probe {

  private final OkHttpClient http;
  private final URI server;
  private final String token;

  public OkHttpProbe(OkHttpClient http, URI server, String token) {
    this.http = http;
    this.server = server;
    this.token = token;
  }

  @Override
  public Answer get(String pathAndQuery) throws Exception {
    try (Response r = http.newCall(new Request.Builder().url(server + pathAndQuery)
        .header("Authorization", "Bearer " + token).get().build()).execute()) {
      return new Answer(r.code(), r.body().string());
    }
  }
}
