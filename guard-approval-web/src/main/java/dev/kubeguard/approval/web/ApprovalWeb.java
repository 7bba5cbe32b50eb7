package dev.kubeguard.approval.web;

import dev.kubeguard.api.spi.Authenticator;
import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.approval.kubernetes.KubernetesApprover;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approver's web surface for a {@link KubernetesApprover}: a page where approvers sign in with
 * their own bearer token, see the held requests (who asks, what, why, until when), one request
 * with its masked body and diff, and approve or deny it; and the JSON API the {@code kubeguard
 * approvals} command calls ({@code {base}/api/approvals}, see the module README). Mount it with
 * {@link ApprovalServlet} in the host's servlet container, or run it on the JDK's own HTTP server
 * with {@link ApprovalWebServer}.
 *
 * <p>Every answer given here, accepted or refused, is one audit event handed to the configured
 * {@link Recorder}. Every response carries a strict Content-Security-Policy (no script, nothing
 * from elsewhere), {@code X-Frame-Options: DENY}, {@code X-Content-Type-Options: nosniff},
 * {@code Referrer-Policy: no-referrer} and {@code Cache-Control: no-store}.
 *
 * <p><b>Threading:</b> thread-safe; one instance serves every request. Requests that prove a
 * token or answer block for the API server (bounded by the client's request timeout).
 * <b>Failure:</b> every error refuses: an unproven token signs no one in and answers nothing, an
 * unexpected error is a 500 that changed nothing, and a failure recording the audit event of an
 * answer is reported to the answerer and logged. Sessions live in this instance's memory.
 */
public final class ApprovalWeb {

  /** Request bodies above this are refused (an answer is a short comment). */
  public static final int MAX_BODY_BYTES = 16 * 1024;
  /** Where the page is mounted unless the host says otherwise. */
  public static final String DEFAULT_BASE_PATH = "/kubeguard/approvals";

  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; form-action 'self';"
      + " frame-ancestors 'none'; base-uri 'none'";

  private static final Logger LOG = LoggerFactory.getLogger(ApprovalWeb.class);

  private final ApiRoutes api;
  private final PageRoutes pages;
  private final byte[] stylesheet;

  private ApprovalWeb(Builder b) {
    BearerProof proof = new BearerProof(b.kubernetesIdentities ? b.client : null, b.oidc, b.approver.namespace());
    Answers answers = new Answers(b.approver, new AnswerAudit(b.recorder, b.approver.namespace(), b.clock));
    this.api = new ApiRoutes(b.approver, proof, answers, b.clock);
    this.pages = new PageRoutes(b.approver, proof, new Sessions(b.sessionLifetime, b.maxSessions, b.clock), answers, b.clock,
        b.secureCookies, b.oidcSignIn == null ? null : new CodeFlow(b.oidcSignIn, b.clock));
    this.stylesheet = resource("style.css");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Answers one request; never throws (an unexpected error is a 500 that changed nothing). */
  WebResponse handle(WebRequest req) {
    WebResponse r;
    try {
      r = route(req);
    } catch (RuntimeException e) {
      LOG.error("kubeguard: the approvals page failed on {}: {}", req, e.getClass().getName());
      r = req.path().startsWith(ApiRoutes.PREFIX)
          ? ApiRoutes.error(500, "the request failed (" + e.getClass().getSimpleName() + "); nothing changed")
          : WebResponse.html(500, Pages.problem(req.base(), null, "Something went wrong", "the request failed; nothing changed"));
    }
    return secured(r);
  }

  private WebResponse route(WebRequest req) {
    String path = req.path();
    if (path.equals(ApiRoutes.PREFIX) || path.startsWith(ApiRoutes.PREFIX + "/")) {
      return api.handle(req);
    }
    if (path.equals("/style.css")) {
      return WebResponse.bytes(200, "text/css; charset=utf-8", stylesheet);
    }
    return pages.handle(req);
  }

  private static WebResponse secured(WebResponse r) {
    return r.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .header("X-Frame-Options", "DENY")
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .header("Cache-Control", "no-store");
  }

  private static byte[] resource(String name) {
    try (InputStream in = ApprovalWeb.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + name + " next to ApprovalWeb");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Configures an {@link ApprovalWeb}. Not thread-safe; {@link #build()} validates everything. */
  public static final class Builder {
    private KubernetesApprover approver;
    private Recorder recorder;
    private KubernetesClient client;
    private Authenticator oidc;
    private boolean kubernetesIdentities = true;
    private Duration sessionLifetime = Duration.ofMinutes(30);
    private int maxSessions = 1000;
    private boolean secureCookies;
    private Clock clock = Clock.systemUTC();
    private OidcSignIn oidcSignIn;

    private Builder() {}

    /** The approver whose held requests are shown and answered. Required. */
    public Builder approver(KubernetesApprover a) {
      this.approver = a;
      return this;
    }

    /** Where every answer's audit event goes (the host's tamper-evident recorder). Required. */
    public Builder recorder(Recorder r) {
      this.recorder = r;
      return this;
    }

    /**
     * The client that asks the API server who holds a Kubernetes token (TokenReview) and whether
     * they may list approvals (SubjectAccessReview): the replica's own, allowed what
     * {@code rbac-replica.yaml} grants. Required while Kubernetes identities are accepted.
     */
    public Builder client(KubernetesClient c) {
      this.client = c;
      return this;
    }

    /**
     * Also sign in OIDC id tokens this authenticator verifies (an {@code OidcAuthenticator}); give the
     * {@link KubernetesApprover} the same one so it accepts their answers. An OIDC viewer sees only
     * the requests their groups may approve.
     */
    public Builder oidc(Authenticator authenticator) {
      this.oidc = authenticator;
      return this;
    }

    /**
     * Also let approvers sign in at the OIDC issuer in the browser (authorization-code flow with
     * PKCE): the id token it returns is verified by the {@link #oidc} authenticator, which is then
     * required, and must be for this client ({@code audience} = its client id).
     */
    public Builder oidcSignIn(OidcSignIn signIn) {
      this.oidcSignIn = signIn;
      return this;
    }

    /** Whether Kubernetes tokens sign in (default true). */
    public Builder kubernetesIdentities(boolean accept) {
      this.kubernetesIdentities = accept;
      return this;
    }

    /** How long a browser session lasts from sign-in, between 1 minute and 12 hours (default 30 minutes). */
    public Builder sessionLifetime(Duration d) {
      this.sessionLifetime = d;
      return this;
    }

    /** How many browser sessions may be live at once (default 1000); sign-in is refused beyond. */
    public Builder maxSessions(int max) {
      this.maxSessions = max;
      return this;
    }

    /**
     * Mark cookies {@code Secure} even on plain-HTTP requests: set it behind a proxy that
     * terminates TLS. Without it they are {@code Secure} when the request itself is HTTPS.
     */
    public Builder secureCookies(boolean always) {
      this.secureCookies = always;
      return this;
    }

    /** The clock sessions expire by (tests). */
    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    public ApprovalWeb build() {
      List<String> problems = new ArrayList<>();
      if (approver == null) problems.add("no approver: call approver(...) with the KubernetesApprover to answer");
      if (recorder == null) problems.add("no recorder: every answer is audited; call recorder(...) with the host's Recorder");
      if (kubernetesIdentities && client == null) {
        problems.add("no client: Kubernetes tokens are proven by the API server; call client(...) or kubernetesIdentities(false)");
      }
      if (!kubernetesIdentities && oidc == null) problems.add("no way to sign in: enable kubernetesIdentities or set oidc(...)");
      if (oidcSignIn != null && oidc == null) {
        problems.add("oidcSignIn needs oidc(...): the OidcAuthenticator that verifies the id tokens the issuer returns");
      }
      if (sessionLifetime == null || sessionLifetime.compareTo(Duration.ofMinutes(1)) < 0
          || sessionLifetime.compareTo(Duration.ofHours(12)) > 0) {
        problems.add("sessionLifetime must be between 1 minute and 12 hours, got " + sessionLifetime);
      }
      if (maxSessions < 1) problems.add("maxSessions must be at least 1, got " + maxSessions);
      if (clock == null) problems.add("clock must not be null");
      if (!problems.isEmpty()) {
        throw new IllegalStateException("invalid ApprovalWeb configuration: " + String.join("; ", problems));
      }
      return new ApprovalWeb(this);
    }
  }
}
