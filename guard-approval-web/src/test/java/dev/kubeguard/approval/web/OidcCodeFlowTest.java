package dev.kubeguard.approval.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.approval.kubernetes.MockCluster;
import dev.kubeguard.core.oidc.TestIssuer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Browser sign-in at the OIDC issuer, step by step over HTTP against a real issuer (discovery,
 * authorization endpoint, token endpoint, JWKS): what the page sends the browser to, and every way
 * a callback that is not this browser's own answer is refused without signing anyone in.
 */
class OidcCodeFlowTest {

  private static final String BASE = ApprovalWeb.DEFAULT_BASE_PATH;
  private static final String CLIENT = "approvals-page";
  private static TestIssuer issuer;

  private final MockCluster cluster = new MockCluster();
  private Replica replica;
  private Http browser;

  @BeforeAll
  static void startIssuer() {
    issuer = TestIssuer.start();
  }

  @AfterAll
  static void stopIssuer() {
    issuer.close();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (replica != null) {
      replica.close();
    }
    cluster.close();
    issuer.advertiseIssuer(issuer.issuer().toString());
    issuer.advertiseEndpointsAt(issuer.issuer().toString());
    issuer.login().signedInAs(null, List.of()).idTokens(Function.identity());
  }

  private void start() throws Exception {
    replica = new Replica(cluster, "deleting in prod needs a human", Replica.oidc(issuer, CLIENT), UnaryOperator.identity(),
        page -> OidcSignIn.builder(issuer.issuer(), CLIENT).redirectUri(page.resolve("signin/callback")).scopes("groups")
            .label("Test IdP").build());
    browser = new Http(replica.server.url());
  }

  /** Goes to the issuer as a browser would and returns the callback URL it sends the browser back to. */
  private URI toIssuerAndBack() throws Exception {
    return toIssuerAndBack("%2Fapprovals%2Fx-1");
  }

  private URI toIssuerAndBack(String next) throws Exception {
    HttpResponse<String> start = browser.keep(browser.get(BASE + "/signin/oidc?next=" + next));
    assertThat(start.statusCode()).isEqualTo(303);
    HttpResponse<String> atIssuer = browser.get(start.headers().firstValue("Location").orElseThrow());
    assertThat(atIssuer.statusCode()).isEqualTo(302);
    return URI.create(atIssuer.headers().firstValue("Location").orElseThrow());
  }

  private HttpResponse<String> callback(URI back) throws Exception {
    return browser.keep(browser.get(back.getRawPath() + "?" + back.getRawQuery()));
  }

  @Test
  void theSignInPageSendsTheBrowserToTheIssuerWithStateNonceAndAnS256Challenge() throws Exception {
    start();
    String form = browser.get(BASE + "/signin").body();
    assertThat(form).contains("Sign in with Test IdP");

    HttpResponse<String> r = browser.get(BASE + "/signin/oidc");
    URI to = URI.create(r.headers().firstValue("Location").orElseThrow());
    assertThat(to.toString()).startsWith(issuer.issuer() + "/auth?");
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(to.getQuery()).contains("response_type=code", "client_id=" + CLIENT, "code_challenge_method=S256",
        "redirect_uri=" + replica.server.url() + "signin/callback", "scope=openid+groups").contains("nonce=", "state=");
    assertThat(to.getQuery()).doesNotContain("code_verifier");
    assertThat(r.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
        .startsWith(CodeFlow.STATE_COOKIE + "=").contains("HttpOnly", "SameSite=Lax", "Path=" + BASE));
  }

  @Test
  void anApproverWhoSignsInAtTheIssuerGetsASessionAndSeesWhatTheirGroupsMayApprove() throws Exception {
    start();
    String id = replica.held();
    issuer.login().signedInAs("olivia", List.of("sre"));

    HttpResponse<String> done = callback(toIssuerAndBack());

    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.body()).contains("signed-in-user\">oidc:olivia<").contains("url=" + BASE + "/approvals/x-1\"");
    assertThat(browser.cookies).containsKey(PageRoutes.SESSION_COOKIE).doesNotContainKey(CodeFlow.STATE_COOKIE);
    String list = browser.get(BASE + "/").body();
    assertThat(list).contains("signed-in-as\">oidc:olivia<").contains(id);
  }

  @Test
  void aNextPageOffThisSiteIsNotWhereTheBrowserGoesAfterSigningIn() throws Exception {
    start();
    issuer.login().signedInAs("olivia", List.of("sre"));
    for (String next : List.of("%2F%2Fevil.example%2Fx", "https%3A%2F%2Fevil.example", "%2Fapprovals%2F..%2F..%2Fx")) {
      browser.cookies.clear();
      HttpResponse<String> done = callback(toIssuerAndBack(next));
      assertThat(done.statusCode()).isEqualTo(200);
      assertThat(done.body()).as(next).contains("url=" + BASE + "/\"").doesNotContain("evil");
    }
  }

  @Test
  void aSessionEndsWhenTheIdTokenItAnswersWithExpires() throws Exception {
    start();
    replica.clock.set(Instant.now()); // the id token's expiry is real time
    issuer.login().signedInAs("olivia", List.of("sre")).idTokens(t -> t.expiresIn(Duration.ofMinutes(2)));
    assertThat(callback(toIssuerAndBack()).statusCode()).isEqualTo(200);
    assertThat(browser.get(BASE + "/").statusCode()).isEqualTo(200);

    replica.clock.advance(Duration.ofMinutes(3)); // the session's own lifetime is 30 minutes

    HttpResponse<String> later = browser.get(BASE + "/");
    assertThat(later.statusCode()).isEqualTo(303);
    assertThat(later.headers().firstValue("Location")).hasValue(BASE + "/signin");
  }

  @Test
  void aCallbackWithoutThisBrowsersStateCookieSignsNoOneInAndRedeemsNothing() throws Exception {
    start();
    issuer.login().signedInAs("olivia", List.of("sre"));
    URI back = toIssuerAndBack();
    browser.cookies.clear(); // the victim's browser: it never started this sign-in (login CSRF)
    int calls = issuer.login().tokenCalls();

    HttpResponse<String> r = callback(back);

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("was not started in this browser");
    assertThat(browser.cookies).doesNotContainKey(PageRoutes.SESSION_COOKIE);
    assertThat(issuer.login().tokenCalls()).isEqualTo(calls);
  }

  @Test
  void aCallbackIsGoodOnce() throws Exception {
    start();
    issuer.login().signedInAs("olivia", List.of("sre"));
    URI back = toIssuerAndBack();
    String state = browser.cookies.get(CodeFlow.STATE_COOKIE);
    assertThat(callback(back).statusCode()).isEqualTo(200);
    browser.cookies.clear();
    browser.cookies.put(CodeFlow.STATE_COOKIE, state);

    HttpResponse<String> again = callback(back);

    assertThat(again.statusCode()).isEqualTo(403);
    assertThat(again.body()).contains("expired or was already used");
    assertThat(browser.cookies).doesNotContainKey(PageRoutes.SESSION_COOKIE);
  }

  @Test
  void anIssuerThatSignsNoOneInIsReportedOnTheSignInPage() throws Exception {
    start();
    HttpResponse<String> r = callback(toIssuerAndBack());

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("the issuer did not sign you in (access_denied)").contains("id=\"token\"");
    assertThat(browser.cookies).doesNotContainKey(PageRoutes.SESSION_COOKIE);
  }

  @Test
  void anIdTokenWithAnotherSignInsNonceIsRefused() throws Exception {
    start();
    issuer.login().signedInAs("olivia", List.of("sre")).idTokens(t -> t.claim("nonce", "an-earlier-sign-in"));

    HttpResponse<String> r = callback(toIssuerAndBack());

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("nonce mismatch");
    assertThat(browser.cookies).doesNotContainKey(PageRoutes.SESSION_COOKIE);
  }

  @Test
  void anIdTokenForAnotherClientIsRefused() throws Exception {
    start();
    issuer.login().signedInAs("olivia", List.of("sre")).idTokens(t -> t.audience("some-other-app"));

    HttpResponse<String> r = callback(toIssuerAndBack());

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("did not verify");
    assertThat(browser.cookies).doesNotContainKey(PageRoutes.SESSION_COOKIE);
  }

  @Test
  void anIssuerWhoseDiscoveryNamesAnotherIssuerIsNotUsed() throws Exception {
    start();
    issuer.advertiseIssuer("https://evil.example.com/realms/test");

    HttpResponse<String> r = browser.get(BASE + "/signin/oidc");

    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.headers().firstValue("Location")).isEmpty();
  }

  @Test
  void anIssuerWhoseDiscoveryNamesPlainHttpEndpointsIsNotUsed() throws Exception {
    start();
    issuer.advertiseEndpointsAt("http://idp.example.com/realms/test"); // code and verifier would go in clear

    HttpResponse<String> r = browser.get(BASE + "/signin/oidc");

    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("must use https");
    assertThat(r.headers().firstValue("Location")).isEmpty();
  }

  @Test
  void browserSignInNeedsTheAuthenticatorThatVerifiesItsIdTokens() {
    OidcSignIn signIn = OidcSignIn.builder(issuer.issuer(), CLIENT)
        .redirectUri(URI.create("http://127.0.0.1:8080" + BASE + "/signin/callback")).build();
    assertThatThrownBy(() -> ApprovalWeb.builder().approver(null).oidcSignIn(signIn).kubernetesIdentities(false).build())
        .hasMessageContaining("oidcSignIn needs oidc(...)");
  }

  @Test
  void aRedirectUriThatIsNotThePagesCallbackOrNotHttpsIsRefusedAtBuild() {
    assertThatThrownBy(() -> OidcSignIn.builder(issuer.issuer(), CLIENT).redirectUri(URI.create("https://approvals.example.com/")).build())
        .hasMessageContaining("ending in /signin/callback");
    assertThatThrownBy(() -> OidcSignIn.builder(issuer.issuer(), CLIENT)
        .redirectUri(URI.create("http://approvals.example.com/kubeguard/approvals/signin/callback")).build())
        .hasMessageContaining("https");
    assertThatThrownBy(() -> OidcSignIn.builder(URI.create("http://idp.example.com"), CLIENT)
        .redirectUri(URI.create("https://approvals.example.com/kubeguard/approvals/signin/callback")).build())
        .hasMessageContaining("issuer http://idp.example.com must use https");
  }
}
