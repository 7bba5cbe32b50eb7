package dev.kubeguard.approval.web;

import dev.kubeguard.approval.kubernetes.KubernetesApprover;
import dev.kubeguard.approval.kubernetes.PendingApproval;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The browser pages: sign-in with a bearer token or at the OIDC issuer ({@link CodeFlow}), the
 * list, one request, approve / deny, sign-out.
 * A session lives in a cookie that is {@code HttpOnly}, {@code SameSite=Strict} and bounded by
 * the session lifetime; over HTTPS it is a {@code __Host-} cookie ({@code Secure}, {@code Path=/},
 * host-only), over plain HTTP it is scoped to the page's path. The token stays on the server.
 * Every form carries a CSRF token (the sign-in form a pre-session one, so nobody can sign a
 * browser into their own session). An answer is followed by a redirect to the request's
 * page, which shows its outcome once, so reloading that page never sends the answer again.
 * Thread-safe.
 */
final class PageRoutes {

  static final String SESSION_COOKIE = "kg_session";
  static final String SIGNIN_COOKIE = "kg_signin";
  static final String HOST_PREFIX = "__Host-";
  private static final Duration SIGNIN_FORM_LIFETIME = Duration.ofMinutes(10);
  private static final Pattern NEXT = Pattern.compile("/approvals/[a-z0-9][-a-z0-9.]{0,252}");
  private static final Pattern ANSWER = Pattern.compile("/approvals/([^/]+)/(approve|deny)");
  private static final Pattern DETAIL = Pattern.compile("/approvals/([^/]+)");

  private final KubernetesApprover approver;
  private final BearerProof proof;
  private final Sessions sessions;
  private final Answers answers;
  private final Clock clock;
  private final boolean alwaysSecure;

  private final CodeFlow flow;

  /** {@code flow}: browser sign-in at the OIDC issuer, or {@code null} when only tokens sign in. */
  PageRoutes(KubernetesApprover approver, BearerProof proof, Sessions sessions, Answers answers, Clock clock, boolean alwaysSecure,
      CodeFlow flow) {
    this.approver = approver;
    this.proof = proof;
    this.sessions = sessions;
    this.answers = answers;
    this.clock = clock;
    this.alwaysSecure = alwaysSecure;
    this.flow = flow;
  }

  WebResponse handle(WebRequest req) {
    String path = req.path();
    boolean get = req.method().equals("GET") || req.method().equals("HEAD");
    boolean post = req.method().equals("POST");
    if (path.equals("/signin")) {
      return get ? signInForm(req, null, req.queryParam("next"), 200) : post ? signIn(req) : notAllowed(req);
    }
    if (flow != null && path.equals("/signin/oidc")) {
      return get ? startOidc(req) : notAllowed(req);
    }
    if (flow != null && path.equals(OidcSignIn.CALLBACK_PATH)) {
      return get ? finishOidc(req) : notAllowed(req);
    }
    if (path.equals("/signout")) {
      return post ? signOut(req) : notAllowed(req);
    }
    var answer = ANSWER.matcher(path);
    if (answer.matches()) {
      return post ? answer(req, answer.group(1), answer.group(2).equals("approve")) : notAllowed(req);
    }
    Optional<Sessions.Session> session = sessions.get(readCookie(req, SESSION_COOKIE));
    var detail = DETAIL.matcher(path);
    if (path.equals("/") || detail.matches()) {
      if (!get) {
        return notAllowed(req);
      }
      if (session.isEmpty()) {
        String next = detail.matches() ? path : "";
        return WebResponse.redirect(req.base() + "/signin" + (next.isEmpty() ? "" : "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)));
      }
      Sessions.Session s = session.get();
      if (path.equals("/")) {
        return WebResponse.html(200, Pages.list(req.base(), s, approver.list().stream().filter(s.viewer::maySee).toList()));
      }
      String id = detail.group(1);
      Optional<PendingApproval> p = Ids.valid(id) ? approver.find(id).filter(s.viewer::maySee) : Optional.empty();
      Optional<Sessions.Flash> f = s.takeFlash(id);
      return p.map(x -> WebResponse.html(200, Pages.detail(req.base(), s, x, f.map(Sessions.Flash::message).orElse(null),
              f.map(Sessions.Flash::refused).orElse(false), f.map(Sessions.Flash::stateNow).orElse(null))))
          .orElseGet(() -> WebResponse.html(404, Pages.problem(req.base(), s, "Not found",
              "no approval " + id + " in namespace " + approver.namespace())));
    }
    return WebResponse.html(404, Pages.problem(req.base(), session.orElse(null), "Not found", "there is no page " + req.base() + path));
  }

  private WebResponse signInForm(WebRequest req, String message, String next, int status) {
    String csrf = Sessions.random();
    return WebResponse.html(status, Pages.signIn(req.base(), csrf, NEXT.matcher(next).matches() ? next : "", message,
            flow == null ? null : flow.label()))
        .header("Set-Cookie", cookie(req, SIGNIN_COOKIE, csrf, SIGNIN_FORM_LIFETIME));
  }

  /** Sends the browser to the issuer, its state in a cookie only this browser holds. */
  private WebResponse startOidc(WebRequest req) {
    String next = req.queryParam("next");
    CodeFlow.Start start;
    try {
      start = flow.start(NEXT.matcher(next).matches() ? next : "");
    } catch (SignInRefusedException e) {
      return signInForm(req, e.getMessage(), next, e.status);
    }
    // Lax, not Strict: the browser comes back from the issuer's site, and must bring it along.
    return WebResponse.redirect(start.location().toString())
        .header("Set-Cookie", cookie(req, CodeFlow.STATE_COOKIE, start.state(), CodeFlow.PENDING_LIFETIME, "Lax"));
  }

  /** The issuer sent the browser back: redeem the code, prove the id token, open the session. */
  private WebResponse finishOidc(WebRequest req) {
    String clear = cookie(req, CodeFlow.STATE_COOKIE, "", Duration.ZERO, "Lax");
    Sessions.Session s;
    String next;
    try {
      CodeFlow.Done done = flow.finish(Forms.parse(req.query()), readCookie(req, CodeFlow.STATE_COOKIE));
      Viewer viewer = proof.proveOidc(done.idToken());
      if (!CodeFlow.nonceMatches(done.idToken(), done.nonce())) {
        throw new SignInRefusedException(401, "the issuer's id token is not the answer to this sign-in (nonce mismatch)");
      }
      next = done.next();
      s = sessions.open(viewer, done.idToken());
    } catch (SignInRefusedException e) {
      return signInForm(req, e.getMessage(), "", e.status).header("Set-Cookie", clear);
    } catch (IllegalStateException full) {
      return signInForm(req, full.getMessage(), "", 503).header("Set-Cookie", clear);
    }
    return WebResponse.html(200, Pages.signedIn(req.base(), s, req.base() + (NEXT.matcher(next).matches() ? next : "/")))
        .header("Set-Cookie", cookie(req, SESSION_COOKIE, s.id, sessions.lifetime()))
        .header("Set-Cookie", clear);
  }

  private WebResponse signIn(WebRequest req) {
    Map<String, String> form = Forms.parse(req.bodyTooLarge() ? "" : req.bodyText());
    String next = form.getOrDefault("next", "");
    String expected = readCookie(req, SIGNIN_COOKIE);
    String given = form.get("csrf");
    if (expected == null || given == null || !MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
      return signInForm(req, "the sign-in form was stale or came from another site; sign in again", next, 403);
    }
    Viewer viewer;
    try {
      viewer = proof.prove(form.getOrDefault("token", "").strip());
    } catch (SignInRefusedException e) {
      return signInForm(req, e.getMessage(), next, e.status);
    }
    Sessions.Session s;
    try {
      s = sessions.open(viewer, form.get("token").strip());
    } catch (IllegalStateException full) {
      return signInForm(req, full.getMessage(), next, 503);
    }
    return WebResponse.redirect(req.base() + (NEXT.matcher(next).matches() ? next : "/"))
        .header("Set-Cookie", cookie(req, SESSION_COOKIE, s.id, sessions.lifetime()))
        .header("Set-Cookie", cookie(req, SIGNIN_COOKIE, "", Duration.ZERO));
  }

  private WebResponse signOut(WebRequest req) {
    Optional<Sessions.Session> s = sessions.get(readCookie(req, SESSION_COOKIE));
    Map<String, String> form = Forms.parse(req.bodyTooLarge() ? "" : req.bodyText());
    if (s.isPresent() && !s.get().csrfMatches(form.get("csrf"))) {
      return WebResponse.html(403, Pages.problem(req.base(), s.get(), "Not signed out", "the form was stale or came from another site"));
    }
    s.ifPresent(x -> sessions.close(x.id));
    return WebResponse.redirect(req.base() + "/signin").header("Set-Cookie", cookie(req, SESSION_COOKIE, "", Duration.ZERO));
  }

  private WebResponse answer(WebRequest req, String id, boolean approve) {
    Instant received = clock.instant();
    Map<String, String> form = Forms.parse(req.bodyTooLarge() ? "" : req.bodyText());
    String text = form.getOrDefault(approve ? "comment" : "reason", "").strip();
    String auditedId = Ids.valid(id) ? id : "";
    Optional<Sessions.Session> session = sessions.get(readCookie(req, SESSION_COOKIE));
    if (session.isEmpty()) {
      answers.refuse(new AnswerAudit.Answer(null, auditedId, approve, text, "page", req, received), 401, "not signed in");
      return WebResponse.redirect(req.base() + "/signin" + (auditedId.isEmpty() ? "" : "?next=%2Fapprovals%2F" + auditedId));
    }
    Sessions.Session s = session.get();
    AnswerAudit.Answer a = new AnswerAudit.Answer(s.viewer.identity(), auditedId, approve, text, "page", req, received);
    if (!s.csrfMatches(form.get("csrf"))) {
      answers.refuse(a, 403, "the form was stale or came from another site (CSRF token missing or wrong)");
      return WebResponse.html(403, Pages.problem(req.base(), s, "Answer refused",
          "the form was stale or came from another site; open the approval again and answer there"));
    }
    if (auditedId.isEmpty() || req.bodyTooLarge() || text.length() > AnswerAudit.MAX_COMMENT_CHARS || (!approve && text.isEmpty())) {
      String why = auditedId.isEmpty() ? Ids.problem() : !approve && text.isEmpty() ? "a denial needs a reason"
          : "the comment is longer than " + AnswerAudit.MAX_COMMENT_CHARS + " characters";
      answers.refuse(a, 400, why);
      return detailOr(req, s, id, why, true, null, 400);
    }
    Answers.Result r = answers.answer(s.viewer, s.token, a);
    String message = r.accepted() ? "You " + (approve ? "approved" : "denied") + " " + id + "." : r.message();
    if (r.status() == 404) {
      return detailOr(req, s, id, message, true, null, 404);
    }
    s.flash(new Sessions.Flash(id, message, !r.accepted(), r.accepted() ? r.state() : null));
    return WebResponse.redirect(req.base() + "/approvals/" + id);
  }

  private WebResponse detailOr(WebRequest req, Sessions.Session s, String id, String message, boolean refused,
      PendingApproval.State stateNow, int status) {
    Optional<PendingApproval> p = Ids.valid(id) ? approver.find(id).filter(s.viewer::maySee) : Optional.empty();
    return WebResponse.html(status, p.map(x -> Pages.detail(req.base(), s, x, message, refused, stateNow))
        .orElseGet(() -> Pages.problem(req.base(), s, "Answer refused", message)));
  }

  private static WebResponse notAllowed(WebRequest req) {
    return WebResponse.html(405, Pages.problem(req.base(), null, "Method not allowed", req.method() + " is not used on " + req.base() + req.path()))
        .header("Allow", "GET, POST");
  }

  private String cookie(WebRequest req, String name, String value, Duration maxAge) {
    return cookie(req, name, value, maxAge, "Strict");
  }

  /**
   * Over HTTPS every cookie is a {@code __Host-} cookie: the browser takes it only with
   * {@code Secure}, {@code Path=/} and no {@code Domain}, so a sibling subdomain or a plain-HTTP
   * page of the same host cannot plant one (cookie tossing: a planted sign-in state or session
   * would sign the victim in as the attacker). The page then reads only the prefixed names.
   * Plain HTTP (loopback, development) cannot have them and keeps the page's own path.
   */
  private String cookie(WebRequest req, String name, String value, Duration maxAge, String sameSite) {
    boolean secure = secure(req);
    return cookieName(secure, name) + "=" + value + "; Path=" + (secure || req.base().isEmpty() ? "/" : req.base())
        + "; Max-Age=" + maxAge.toSeconds() + "; HttpOnly; SameSite=" + sameSite + (secure ? "; Secure" : "");
  }

  private String readCookie(WebRequest req, String name) {
    return req.cookies().get(cookieName(secure(req), name));
  }

  private boolean secure(WebRequest req) {
    return req.secure() || alwaysSecure;
  }

  static String cookieName(boolean secure, String name) {
    return secure ? HOST_PREFIX + name : name;
  }
}
