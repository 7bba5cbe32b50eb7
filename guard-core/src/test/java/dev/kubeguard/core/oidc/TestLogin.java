package dev.kubeguard.core.oidc;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The {@link TestIssuer}'s OpenID Connect authorization-code flow, as a provider with a browser
 * session runs it: {@code /auth} answers for whoever is {@link #signedInAs signed in} there (or
 * redirects back with {@code error=access_denied}), {@code /token} redeems a code once, for the
 * client and redirect URI it was issued to, only with the PKCE verifier whose S256 challenge came
 * with it, and returns an id token carrying the request's nonce, signed with the issuer's key.
 */
public final class TestLogin {

  private static final SecureRandom RANDOM = new SecureRandom();

  private record Issued(String clientId, String redirectUri, String nonce, String challenge, String sub, List<String> groups) {}

  private final TestIssuer issuer;
  private final Map<String, Issued> codes = new ConcurrentHashMap<>();
  private final AtomicInteger tokenCalls = new AtomicInteger();
  private volatile String sub;
  private volatile List<String> groups = List.of();
  private volatile Function<TestTokens.Builder, TestTokens.Builder> idToken = Function.identity();
  private volatile boolean loginPage;

  TestLogin(TestIssuer issuer) {
    this.issuer = issuer;
  }

  /** The user the provider's browser session belongs to; {@code null}: nobody, so it refuses. */
  public TestLogin signedInAs(String sub, List<String> groups) {
    this.sub = sub;
    this.groups = List.copyOf(groups);
    return this;
  }

  /**
   * Whether {@code /auth} first shows its own sign-in page (a form the user submits, as at a real
   * provider) instead of answering at once for the signed-in user. The browser then comes back
   * from a page of the provider's site, which is what SameSite cookie rules look at.
   */
  public TestLogin loginPage(boolean show) {
    this.loginPage = show;
    return this;
  }

  /** Changes the id tokens it issues (a wrong nonce, another audience): one knob per attack. */
  public TestLogin idTokens(Function<TestTokens.Builder, TestTokens.Builder> change) {
    this.idToken = change;
    return this;
  }

  /** How many times {@code /token} was called. */
  public int tokenCalls() {
    return tokenCalls.get();
  }

  void authorize(HttpExchange exchange) throws IOException {
    boolean post = exchange.getRequestMethod().equals("POST");
    Map<String, String> q = form(post ? new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
        : exchange.getRequestURI().getRawQuery());
    if (loginPage && !post) {
      StringBuilder page = new StringBuilder("<!DOCTYPE html><html><body><h1>Test IdP</h1><form method=\"post\">");
      q.forEach((k, v) -> page.append("<input type=\"hidden\" name=\"").append(html(k)).append("\" value=\"")
          .append(html(v)).append("\">"));
      page.append("<button type=\"submit\" id=\"idp-sign-in\">Sign in</button></form></body></html>");
      send(exchange, 200, "text/html; charset=utf-8", page.toString());
      return;
    }
    String redirect = q.get("redirect_uri");
    if (redirect == null || q.get("client_id") == null) {
      send(exchange, 400, "text/plain", "redirect_uri and client_id are required");
      return;
    }
    String state = q.getOrDefault("state", "");
    String back;
    if (!"code".equals(q.get("response_type")) || !"S256".equals(q.get("code_challenge_method"))
        || q.get("code_challenge") == null || !(" " + q.getOrDefault("scope", "") + " ").contains(" openid ")) {
      back = redirect + "?error=invalid_request&state=" + enc(state);
    } else if (sub == null) {
      back = redirect + "?error=access_denied&state=" + enc(state);
    } else {
      String code = random();
      codes.put(code, new Issued(q.get("client_id"), redirect, q.get("nonce"), q.get("code_challenge"), sub, groups));
      back = redirect + "?code=" + code + "&state=" + enc(state) + "&iss=" + enc(issuer.issuer().toString());
    }
    exchange.getResponseHeaders().set("Location", back);
    exchange.sendResponseHeaders(302, -1);
    exchange.close();
  }

  void token(HttpExchange exchange) throws IOException {
    tokenCalls.incrementAndGet();
    Map<String, String> f = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String clientId = f.get("client_id");
    String basic = exchange.getRequestHeaders().getFirst("Authorization");
    if (basic != null && basic.startsWith("Basic ")) {
      String pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8);
      clientId = URLDecoder.decode(pair.substring(0, pair.indexOf(':')), StandardCharsets.UTF_8);
    }
    Issued issued = f.get("code") == null ? null : codes.remove(f.get("code")); // a code is good once
    if (!"authorization_code".equals(f.get("grant_type")) || issued == null || !issued.clientId().equals(clientId)
        || !issued.redirectUri().equals(f.get("redirect_uri")) || f.get("code_verifier") == null
        || !issued.challenge().equals(s256(f.get("code_verifier")))) {
      send(exchange, 400, "application/json", "{\"error\":\"invalid_grant\"}");
      return;
    }
    TestTokens.Builder t = issuer.token().audience(issued.clientId()).claim("sub", issued.sub()).claim("groups", issued.groups());
    if (issued.nonce() != null) {
      t.claim("nonce", issued.nonce());
    }
    String id = idToken.apply(t).sign();
    send(exchange, 200, "application/json",
        "{\"access_token\":\"" + random() + "\",\"token_type\":\"Bearer\",\"expires_in\":300,\"id_token\":\"" + id + "\"}");
  }

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> form(String raw) {
    Map<String, String> m = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return m;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      m.putIfAbsent(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return m;
  }

  private static String s256(String verifier) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String html(String s) {
    return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String random() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

}
