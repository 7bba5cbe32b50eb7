package dev.kubeguard.fabric8;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.StandardHttpClientBuilder;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Turns redirect following off in a guarded client's HTTP client builder. A backend that follows a
 * 3xx itself sends the next request past every interceptor, unjudged (OkHttp, the JDK client and
 * Vert.x all do it below fabric8's interceptors), so the caller must get the 3xx as the server sent
 * it. fabric8 gives no way to unset {@code followAllRedirects()}, which its
 * {@code HttpClientUtils.applyCommonConfiguration} always calls: the builder's
 * {@code followRedirects} field is reset by reflection, and OkHttp's own builder, which follows
 * unless told otherwise, is told otherwise. Clients derived later copy the setting.
 *
 * <p>Stateless. <b>Failure:</b> a builder this cannot reach (not a fabric8
 * {@code StandardHttpClientBuilder}, or fields it cannot set) fails with an
 * {@link IllegalStateException} saying so, when the guarded client is built: a client that might
 * follow redirects unjudged is never built.
 */
final class Redirects {

  private static final String OKHTTP_BUILDER = "okhttp3.OkHttpClient$Builder";

  /** Turns redirect following off on {@code builder}, or throws. */
  static void off(HttpClient.Builder builder) {
    if (!(builder instanceof StandardHttpClientBuilder<?, ?, ?> standard)) {
      throw cannot(builder, "it is not a fabric8 StandardHttpClientBuilder");
    }
    try {
      Field follow = StandardHttpClientBuilder.class.getDeclaredField("followRedirects");
      follow.setAccessible(true);
      follow.setBoolean(standard, false);
      offInOkHttp(standard);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw cannot(builder, e.toString());
    }
    if (standard.isFollowRedirects()) {
      throw cannot(builder, "followRedirects is still set");
    }
  }

  // fabric8's OkHttp backend only ever turns following on, over an OkHttp builder that follows by
  // default; its builder keeps that OkHttp builder in a field.
  private static void offInOkHttp(StandardHttpClientBuilder<?, ?, ?> builder) throws ReflectiveOperationException {
    for (Class<?> c = builder.getClass(); c != StandardHttpClientBuilder.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (f.getType().getName().equals(OKHTTP_BUILDER)) {
          f.setAccessible(true);
          Object okhttp = f.get(builder);
          for (String setter : new String[] {"followRedirects", "followSslRedirects"}) {
            Method m = okhttp.getClass().getMethod(setter, boolean.class);
            m.invoke(okhttp, false);
          }
        }
      }
    }
  }

  private static IllegalStateException cannot(HttpClient.Builder builder, String why) {
    return new IllegalStateException("kubeguard: cannot turn off redirect following on the HTTP client builder "
        + builder.getClass().getName() + " (" + why + "); a client that follows redirects would send the"
        + " redirected request unjudged, so no guarded client is built. Use fabric8's JDK, OkHttp or Vert.x backend.");
  }

  private Redirects() {}
}
