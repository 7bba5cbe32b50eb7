package dev.kubeguard.core.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real OIDC issuer for tests: an HTTP server on 127.0.0.1 serving
 * {@code /.well-known/openid-configuration} and {@code /jwks} with real RSA and EC keys, counting
 * hits so tests can prove caching and rate limiting, and the authorization-code flow
 * ({@link TestLogin}) that browser sign-in goes through. Shared by guard-mcp through the test-jar.
 */
public final class TestIssuer implements AutoCloseable {
  private final HttpServer server;
  private final URI issuer;
  private final RSAKey rsaKey;
  private final ECKey ecKey;
  private final AtomicReference<JWKSet> served = new AtomicReference<>();
  private final AtomicInteger discoveryHits = new AtomicInteger();
  private final AtomicInteger jwksHits = new AtomicInteger();
  private volatile boolean failing;
  private volatile String advertisedIssuer;
  private volatile String advertisedEndpoints;
  private final TestLogin login = new TestLogin(this);

  private TestIssuer(String host, String path) throws IOException, JOSEException {
    rsaKey = newRsaKey("rsa-1");
    ecKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    served.set(new JWKSet(List.of(rsaKey.toPublicJWK(), ecKey.toPublicJWK())));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    issuer = URI.create("http://" + host + ":" + server.getAddress().getPort() + path);
    advertisedIssuer = issuer.toString();
    advertisedEndpoints = issuer.toString();
    server.createContext(path + "/.well-known/openid-configuration", this::discovery);
    server.createContext(path + "/jwks", this::jwks);
    server.createContext(path + "/auth", login::authorize);
    server.createContext(path + "/token", login::token);
    server.start();
  }

  /** A started issuer at {@code http://127.0.0.1:<port>/realms/test}. */
  public static TestIssuer start() {
    return start("/realms/test");
  }

  /** A started issuer whose URL ends in {@code path}. */
  public static TestIssuer start(String path) {
    return start("127.0.0.1", path);
  }

  /**
   * A started issuer named by {@code host} (a loopback name): {@code localhost} makes it another
   * site than pages on {@code 127.0.0.1}, as a real issuer is, for the browser's SameSite rules.
   */
  public static TestIssuer start(String host, String path) {
    try {
      return new TestIssuer(host, path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh 2048-bit RSA signing key with id {@code kid}. */
  public static RSAKey newRsaKey(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public URI issuer() {
    return issuer;
  }

  /** Its authorization-code sign-in ({@code /auth}, {@code /token}): who is signed in there. */
  public TestLogin login() {
    return login;
  }

  public URI jwksUri() {
    return URI.create(issuer + "/jwks");
  }

  public RSAKey rsaKey() {
    return rsaKey;
  }

  public ECKey ecKey() {
    return ecKey;
  }

  /** Replaces the served JWKS with the public parts of {@code keys} (key rotation). */
  public void serveKeys(JWK... keys) {
    served.set(new JWKSet(List.of(keys)).toPublicJWKSet());
  }

  /** Makes both endpoints answer 500 (an outage) or work again. */
  public void failing(boolean failing) {
    this.failing = failing;
  }

  /** Makes the discovery document claim another issuer (a mix-up attempt). */
  public void advertiseIssuer(String issuer) {
    this.advertisedIssuer = issuer;
  }

  /** Makes the discovery document put {@code /auth} and {@code /token} below {@code base} (or its own URL again). */
  public void advertiseEndpointsAt(String base) {
    this.advertisedEndpoints = base;
  }

  public int discoveryHits() {
    return discoveryHits.get();
  }

  public int jwksHits() {
    return jwksHits.get();
  }

  /** A valid RS256 token for audience {@code kubeguard}, subject {@code alice}, 5 minutes left. */
  public TestTokens.Builder token() {
    return TestTokens.builder(issuer.toString(), rsaKey, JWSAlgorithm.RS256);
  }

  private void discovery(HttpExchange exchange) throws IOException {
    discoveryHits.incrementAndGet();
    String body =
        "{\"issuer\":\"" + advertisedIssuer + "\","
            + "\"authorization_endpoint\":\"" + advertisedEndpoints + "/auth\","
            + "\"token_endpoint\":\"" + advertisedEndpoints + "/token\","
            + "\"jwks_uri\":\"" + jwksUri() + "\","
            + "\"response_types_supported\":[\"code\"],"
            + "\"subject_types_supported\":[\"public\"],"
            + "\"id_token_signing_alg_values_supported\":[\"RS256\",\"ES256\"]}";
    respond(exchange, body);
  }

  private void jwks(HttpExchange exchange) throws IOException {
    jwksHits.incrementAndGet();
    respond(exchange, served.get().toString());
  }

  private void respond(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    int status = failing ? 500 : 200;
    if (failing) {
      bytes = "{}".getBytes(StandardCharsets.UTF_8);
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
