package dev.kubeguard.samples.mcp;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * A small but real OIDC issuer for the demo: an HTTP server on 127.0.0.1 serving
 * {@code /.well-known/openid-configuration} and a JWKS with a fresh RSA key, and RS256 tokens for
 * the {@link DemoUser}s, signed with that key. The server verifies them exactly as it would a
 * production issuer's (discovery, JWKS, signature, issuer, audience, expiry).
 *
 * <p>Thread-safe. It has no login page: {@link #tokenFor} is how the demo hands out tokens. The
 * key lives only in this process, so tokens die with it.
 */
public final class DemoIssuer implements AutoCloseable {
  /** How long demo tokens live: a working day, so a pasted token keeps working. */
  static final Duration TOKEN_LIFETIME = Duration.ofHours(8);

  private final HttpServer server;
  private final URI issuer;
  private final RSAKey key;

  private DemoIssuer() throws IOException, JOSEException {
    key = new RSAKeyGenerator(2048).keyID("demo-" + UUID.randomUUID()).generate();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    issuer = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/demo-issuer");
    server.createContext(issuer.getPath() + "/.well-known/openid-configuration", this::discovery);
    server.createContext(issuer.getPath() + "/jwks", this::jwks);
    server.start();
  }

  /** Starts an issuer on a free loopback port. */
  public static DemoIssuer start() throws IOException {
    try {
      return new DemoIssuer();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate the demo signing key", e);
    }
  }

  /** The issuer URL, the {@code iss} of its tokens. */
  public URI issuer() {
    return issuer;
  }

  /** A signed access token for {@code user}, for audience {@code resource}, with {@code scope}. */
  public String tokenFor(DemoUser user, URI resource, String scope) {
    Instant now = Instant.now();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer.toString())
            .subject(user.subject())
            .audience(resource.toString())
            .claim("groups", user.groups())
            .claim("scope", scope)
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now.minusSeconds(5)))
            .expirationTime(Date.from(now.plus(TOKEN_LIFETIME)))
            .jwtID(UUID.randomUUID().toString())
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
            claims);
    try {
      jwt.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a demo token", e);
    }
    return jwt.serialize();
  }

  private void discovery(HttpExchange exchange) throws IOException {
    respond(
        exchange,
        "{\"issuer\":\"" + issuer + "\","
            + "\"authorization_endpoint\":\"" + issuer + "/auth\","
            + "\"token_endpoint\":\"" + issuer + "/token\","
            + "\"jwks_uri\":\"" + issuer + "/jwks\","
            + "\"response_types_supported\":[\"code\"],"
            + "\"subject_types_supported\":[\"public\"],"
            + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
  }

  private void jwks(HttpExchange exchange) throws IOException {
    respond(exchange, new JWKSet(key.toPublicJWK()).toString());
  }

  private static void respond(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
