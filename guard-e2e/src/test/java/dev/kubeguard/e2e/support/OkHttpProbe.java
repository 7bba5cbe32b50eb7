package dev.kubeguard.e2e.support;

import java.net.URI;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** Raw requests through the official client's guarded {@link OkHttpClient}. */
public final class OkHttpProbe implements Probe {

  private final OkHttpClient http;
  private final URI server;

  public OkHttpProbe(OkHttpClient http, URI server) {
    this.http = http;
    this.server = server;
  }

  @Override
  public Answer get(String pathAndQuery) throws Exception {
    try (Response r = http.newCall(new Request.Builder().url(server + pathAndQuery).get().build()).execute()) {
      return new Answer(r.code(), r.body().string());
    }
  }
}
