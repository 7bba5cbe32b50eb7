package dev.kubeguard.approval.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.approval.kubernetes.MockCluster;
import dev.kubeguard.approval.kubernetes.PendingApproval;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The browser pages over plain HTTP: sessions, CSRF, escaping, security headers. */
class ApprovalPagesTest {

  private static final String BASE = ApprovalWeb.DEFAULT_BASE_PATH;
  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  private final MockCluster cluster = new MockCluster();
  private Replica replica;
  private Http http;

  private void start(Replica r) {
    replica = r;
    http = new Http(r.server.url());
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (replica != null) {
      replica.close();
    }
    cluster.close();
  }

  private static String form(String... pairs) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      b.append(b.length() == 0 ? "" : "&").append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
    }
    return b.toString();
  }

  private static String csrf(HttpResponse<String> page) {
    Matcher m = CSRF.matcher(page.body());
    assertThat(m.find()).as("the page has a form with a CSRF token").isTrue();
    return m.group(1);
  }

  private HttpResponse<String> postForm(String path, String... pairs) throws Exception {
    return http.keep(http.post(path, "application/x-www-form-urlencoded", form(pairs)));
  }

  /** Signs in as the holder of {@code token} and returns the sign-in answer. */
  private HttpResponse<String> signIn(String token) throws Exception {
    HttpResponse<String> page = http.keep(http.get(BASE + "/signin"));
    return postForm(BASE + "/signin", "csrf", csrf(page), "token", token, "next", "");
  }

  @Test
  void everyResponseCarriesTheStrictSecurityHeaders() throws Exception {
    start(new Replica(cluster));
    List<HttpResponse<String>> answers = List.of(http.get(BASE + "/"), http.get(BASE + "/signin"), http.get(BASE + "/style.css"),
        http.get(BASE + "/nowhere"), http.get(BASE + "/api/approvals"), http.post(BASE + "/signin", "text/plain", "x"));
    for (HttpResponse<String> r : answers) {
      assertThat(r.headers().firstValue("Content-Security-Policy")).as(r.uri().toString())
          .hasValue("default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
      assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
      assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    }
    assertThat(answers.get(1).body()).doesNotContain("<script").doesNotContain("style=").doesNotContain("http://").doesNotContain("https://");
  }

  @Test
  void signingInSetsAnHttpOnlyStrictSessionCookieScopedToThePageAndNeverShowsTheToken() throws Exception {
    start(new Replica(cluster));
    String id = replica.held();
    HttpResponse<String> list = http.get(BASE + "/");
    assertThat(list.statusCode()).isEqualTo(303);
    assertThat(list.headers().firstValue("Location")).hasValue(BASE + "/signin");

    HttpResponse<String> signedIn = signIn("alice-token");
    assertThat(signedIn.statusCode()).isEqualTo(303);
    assertThat(signedIn.headers().firstValue("Location")).hasValue(BASE + "/");
    String cookie = signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("kg_session=")).findFirst().orElseThrow();
    assertThat(cookie).contains("; Path=" + BASE + ";").contains("; Max-Age=1800").contains("; HttpOnly").contains("; SameSite=Strict")
        .doesNotContain("Secure").doesNotContain("alice-token");
    assertThat(cookie.substring("kg_session=".length(), cookie.indexOf(';'))).hasSizeGreaterThanOrEqualTo(43);

    HttpResponse<String> page = http.get(BASE + "/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains(id).contains("bob").contains("delete deployments.apps").contains("prod/web")
        .contains("deleting in prod needs a human").doesNotContain("alice-token");
    HttpResponse<String> detail = http.get(BASE + "/approvals/" + id);
    assertThat(detail.body()).contains("id=\"approve\"").contains("id=\"deny\"").doesNotContain("alice-token");
  }

  /** The page at {@code /approve} as served behind a proxy that terminates TLS. */
  private ApprovalWebServer behindTlsProxy() throws Exception {
    start(new Replica(cluster));
    ApprovalWeb web = ApprovalWeb.builder().approver(replica.approver).client(cluster.client()).recorder(Recorder.noop())
        .secureCookies(true).build();
    return ApprovalWebServer.start(web, new java.net.InetSocketAddress("127.0.0.1", 0), "/approve");
  }

  @Test
  void overHttpsCookiesAreHostPrefixedAndSecure() throws Exception {
    try (ApprovalWebServer s = behindTlsProxy()) {
      Http other = new Http(s.url());
      HttpResponse<String> form = other.get("/approve/signin");
      // __Host-: the browser takes it only Secure, with Path=/ and no Domain
      assertThat(form.headers().allValues("Set-Cookie")).singleElement().satisfies(c -> assertThat(c)
          .startsWith("__Host-kg_signin=").contains("; Path=/;").doesNotContain("Domain").endsWith("; Secure"));
    }
  }

  @Test
  void overHttpsACookiePlantedWithoutTheHostPrefixSignsNoOneIn() throws Exception {
    // Cookie tossing: a sibling subdomain (or a plain-HTTP page of the host) can set kg_* cookies
    // for this host, but never a __Host- one. The page must read only the prefixed names.
    try (ApprovalWebServer s = behindTlsProxy()) {
      Http victim = new Http(s.url());
      victim.get("/approve/signin");
      victim.cookies.put("kg_signin", "planted-by-the-attacker");
      HttpResponse<String> tossed = victim.keep(victim.post("/approve/signin", "application/x-www-form-urlencoded",
          form("csrf", "planted-by-the-attacker", "token", "alice-token", "next", "")));
      assertThat(tossed.statusCode()).as("a sign-in form vouched for by a planted cookie").isEqualTo(403);
      assertThat(victim.cookies).doesNotContainKeys("__Host-kg_session", "kg_session");

      Http alice = new Http(s.url());
      HttpResponse<String> page = alice.keep(alice.get("/approve/signin"));
      HttpResponse<String> in = alice.keep(alice.post("/approve/signin", "application/x-www-form-urlencoded",
          form("csrf", csrf(page), "token", "alice-token", "next", "")));
      assertThat(in.statusCode()).isEqualTo(303);
      String session = alice.cookies.get("__Host-kg_session");
      assertThat(session).isNotNull();
      assertThat(alice.get("/approve/").statusCode()).isEqualTo(200);

      // the same session id under the unprefixed name, as a tossed cookie would carry it
      Http tossedSession = new Http(s.url());
      tossedSession.cookies.put("kg_session", session);
      HttpResponse<String> list = tossedSession.get("/approve/");
      assertThat(list.statusCode()).isEqualTo(303);
      assertThat(list.headers().firstValue("Location")).hasValue("/approve/signin");
    }
  }

  @Test
  void aTokenThatProvesNoOneOrSomeoneWhoMayNotLookSignsNoOneIn() throws Exception {
    start(new Replica(cluster));
    HttpResponse<String> nobody = signIn("forged-token");
    assertThat(nobody.statusCode()).isEqualTo(401);
    assertThat(nobody.body()).contains("did not authenticate").doesNotContain("forged-token");
    HttpResponse<String> dave = signIn("dave-token");
    assertThat(dave.statusCode()).isEqualTo(403);
    assertThat(dave.body()).contains("dave may not see approvals");
    assertThat(http.cookies).doesNotContainKey("kg_session");
  }

  @Test
  void aSignInPostedWithoutItsFormsTokenIsRefused() throws Exception {
    start(new Replica(cluster));
    http.keep(http.get(BASE + "/signin"));
    HttpResponse<String> forged = postForm(BASE + "/signin", "csrf", "guessed", "token", "alice-token");
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("stale or came from another site");
    http.cookies.clear();
    assertThat(postForm(BASE + "/signin", "csrf", "", "token", "alice-token").statusCode()).isEqualTo(403);
    assertThat(http.cookies).doesNotContainKey("kg_session");
  }

  @Test
  void anAnswerPostedWithoutTheSessionsCsrfTokenIsRefusedAuditedAndChangesNothing() throws Exception {
    start(new Replica(cluster));
    String id = replica.held();
    signIn("alice-token");
    HttpResponse<String> r = postForm(BASE + "/approvals/" + id + "/approve", "comment", "from evil.example");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("stale or came from another site");
    assertThat(replica.state(id)).isEqualTo(PendingApproval.State.PENDING);
    assertThat(replica.events).singleElement().satisfies(e -> {
      assertThat(e.user().user()).isEqualTo("alice");
      assertThat(e.annotations()).containsEntry("kubeguard.dev/answer-outcome", "refused").containsEntry("kubeguard.dev/answer-surface", "page");
    });

    http.cookies.clear();
    HttpResponse<String> anonymous = postForm(BASE + "/approvals/" + id + "/approve", "csrf", "x");
    assertThat(anonymous.statusCode()).isEqualTo(303);
    assertThat(anonymous.headers().firstValue("Location")).hasValue(BASE + "/signin?next=%2Fapprovals%2F" + id);
    assertThat(replica.events).hasSize(2);
    assertThat(replica.events.get(1).user().user()).isEqualTo("system:anonymous");
  }

  @Test
  void anApprovalGivenOnThePageLetsTheRetryPass() throws Exception {
    start(new Replica(cluster));
    String id = replica.held();
    signIn("carol-token");
    HttpResponse<String> detail = http.get(BASE + "/approvals/" + id);
    HttpResponse<String> posted = postForm(BASE + "/approvals/" + id + "/approve", "csrf", csrf(detail), "comment", "go");
    assertThat(posted.statusCode()).as("post/redirect/get").isEqualTo(303);
    assertThat(posted.headers().firstValue("Location")).hasValue(BASE + "/approvals/" + id);
    HttpResponse<String> r = http.get(BASE + "/approvals/" + id);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("You approved " + id).contains("<dd id=\"state\">APPROVED</dd>").doesNotContain("id=\"approve\"");
    assertThat(http.get(BASE + "/approvals/" + id).body()).as("the outcome is shown once").doesNotContain("You approved");
    MockCluster.await("the informer sees the answer", () -> replica.state(id) == PendingApproval.State.APPROVED);
    assertThat(replica.delete().allowed()).isTrue();
    assertThat(replica.events).singleElement().satisfies(e -> assertThat(e.annotations())
        .containsEntry("kubeguard.dev/answer-outcome", "accepted").containsEntry("kubeguard.dev/answer-comment", "go"));
  }

  @Test
  void aRefusedAnswerOnThePageShowsWhyOnTheRequestsPage() throws Exception {
    start(new Replica(cluster));
    String id = replica.held();
    signIn("eve-token");
    HttpResponse<String> detail = http.get(BASE + "/approvals/" + id);
    HttpResponse<String> posted = postForm(BASE + "/approvals/" + id + "/approve", "csrf", csrf(detail), "comment", "");
    assertThat(posted.statusCode()).isEqualTo(303);
    String page = http.get(BASE + "/approvals/" + id).body();
    assertThat(page).contains("class=\"error\" id=\"message\"").contains("eve is not in an approver group")
        .contains("<dd id=\"state\">PENDING</dd>");
    assertThat(replica.state(id)).isEqualTo(PendingApproval.State.PENDING);
    HttpResponse<String> noReason = postForm(BASE + "/approvals/" + id + "/deny", "csrf", csrf(detail), "reason", " ");
    assertThat(noReason.statusCode()).isEqualTo(400);
    assertThat(noReason.body()).contains("a denial needs a reason");
  }

  @Test
  void textFromTheObjectIsShownAsTextNeverAsMarkup() throws Exception {
    String hostile = "<img src=x onerror=alert(1)>\"'&";
    start(new Replica(cluster, "needs a human " + hostile, null, UnaryOperator.identity()));
    String id = replica.held();
    replica.writeView(id, "{\"note\":\"</pre><script>alert(2)</script>\"}", "+<b>bold</b>\n-<i>x</i>", "");
    signIn("alice-token");
    for (String page : List.of(http.get(BASE + "/").body(), http.get(BASE + "/approvals/" + id).body())) {
      assertThat(page).doesNotContain("<img").doesNotContain("<script").doesNotContain("<b>").doesNotContain("<i>")
          .contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;");
    }
    String detail = http.get(BASE + "/approvals/" + id).body();
    assertThat(detail).contains("&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;")
        .contains("<span class=\"add\">+&lt;b&gt;bold&lt;/b&gt;</span>").contains("<span class=\"del\">-&lt;i&gt;x&lt;/i&gt;</span>");
  }

  @Test
  void signingOutEndsTheSessionAndAnExpiredSessionSignsInAgain() throws Exception {
    start(new Replica(cluster));
    String id = replica.held();
    signIn("alice-token");
    String session = http.cookies.get("kg_session");
    HttpResponse<String> list = http.get(BASE + "/");
    HttpResponse<String> out = postForm(BASE + "/signout", "csrf", csrf(list));
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(out.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("kg_session=;").contains("Max-Age=0"));
    http.cookies.put("kg_session", session);
    assertThat(http.get(BASE + "/").statusCode()).as("the old cookie no longer works").isEqualTo(303);

    signIn("alice-token");
    assertThat(http.get(BASE + "/approvals/" + id).statusCode()).isEqualTo(200);
    replica.clock.advance(Duration.ofMinutes(31));
    HttpResponse<String> expired = http.get(BASE + "/approvals/" + id);
    assertThat(expired.statusCode()).isEqualTo(303);
    assertThat(expired.headers().firstValue("Location")).hasValue(BASE + "/signin?next=%2Fapprovals%2F" + id);
  }

  @Test
  void signInReturnsToTheApprovalAskedForButNeverLeavesThePage() throws Exception {
    start(new Replica(cluster));
    String id = replica.held();
    HttpResponse<String> page = http.keep(http.get(BASE + "/signin?next=%2Fapprovals%2F" + id));
    assertThat(page.body()).contains("name=\"next\" value=\"/approvals/" + id + "\"");
    HttpResponse<String> in = postForm(BASE + "/signin", "csrf", csrf(page), "token", "alice-token", "next", "/approvals/" + id);
    assertThat(in.headers().firstValue("Location")).hasValue(BASE + "/approvals/" + id);

    http.cookies.clear();
    page = http.keep(http.get(BASE + "/signin?next=%2F%2Fevil.example"));
    assertThat(page.body()).contains("name=\"next\" value=\"\"");
    in = postForm(BASE + "/signin", "csrf", csrf(page), "token", "alice-token", "next", "//evil.example");
    assertThat(in.headers().firstValue("Location")).hasValue(BASE + "/");
  }

  @Test
  void buildSaysWhatToFix() {
    assertThatThrownBy(() -> ApprovalWeb.builder().sessionLifetime(Duration.ofDays(2)).maxSessions(0).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no approver")
        .hasMessageContaining("no recorder: every answer is audited")
        .hasMessageContaining("no client")
        .hasMessageContaining("sessionLifetime must be between 1 minute and 12 hours")
        .hasMessageContaining("maxSessions must be at least 1");
    assertThatThrownBy(() -> ApprovalWeb.builder().kubernetesIdentities(false).build())
        .hasMessageContaining("no way to sign in");
  }
}
