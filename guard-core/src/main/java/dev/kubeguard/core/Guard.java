package dev.kubeguard.core;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.RequestInfo;
import dev.kubeguard.api.spi.Approver;
import dev.kubeguard.api.spi.ChunkSink;
import dev.kubeguard.api.spi.Masker;
import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import dev.kubeguard.api.spi.PolicyEngine;
import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.core.approval.ApprovalLedger;
import dev.kubeguard.core.approval.RequestDigest;
import dev.kubeguard.core.audit.AuditEvents;
import dev.kubeguard.core.classify.ClassificationException;
import dev.kubeguard.core.classify.RequestClassifier;
import dev.kubeguard.core.internal.Faults;
import dev.kubeguard.core.mask.DefaultMasker;
import dev.kubeguard.core.mask.MaskedWrites;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine every adapter calls: classify a request exactly as kube-apiserver does, ask the
 * policy every question it raises, hold it for approval when the policy says so, record the
 * outcome, and mask and record the response.
 *
 * <p>Every question is decided for the identity bound to the call. A request carrying
 * {@code Impersonate-*} headers therefore needs the caller to be allowed both the impersonation
 * and the action itself; kube-apiserver then checks the action again as the impersonated user.
 *
 * <p><b>Threading:</b> immutable once built and safe to share; call it from any thread. A policy
 * decision or audit record by a part the Guard does not know runs on a small pool of daemon
 * threads the Guard owns ({@code kubeguard-spi-N}, started on demand, retired when idle, so there
 * is nothing to close) while the caller waits for it: that is what lets the Guard bound a part that
 * hangs. The price is a thread hand-off (about 45 µs measured) per call, and such parts do not see
 * the caller's thread-locals. The built-in parts that bound themselves ({@code GuardPolicyEngine},
 * {@code JsonlAuditRecorder}, {@code Slf4jAuditRecorder}) are called on the caller's thread.
 * Asking an approver (which must return at once; the answer comes later) runs on the pool,
 * bounded by the policy timeout as part of judging. Maskers and the classifier compute on the
 * caller's thread, unbounded in time but not in failure.
 * <b>Blocking:</b> {@link #begin} blocks at most {@link Builder#policyTimeout} per policy question,
 * {@link Builder#recorderTimeout} per audit event, and {@link Builder#approvalTimeout} for an
 * approval in blocking mode.
 * <b>Failure:</b> {@link #begin} never throws for a bad request or a failing part: anything a
 * classifier, policy engine, approver, masker or (by default) recorder throws, an {@link Error}
 * such as an {@code AssertionError} included, and a policy or recorder that does not answer in
 * time, becomes a denied exchange carrying a Kubernetes {@code 403 Status}, recorded where the
 * recorder allows, before anything is sent. Only the JVM's own fatal errors
 * ({@link VirtualMachineError}s such as {@link OutOfMemoryError}) propagate; a
 * {@link StackOverflowError} is not one of them here: a policy recursing too deep is a denial.
 * Response bodies the masker cannot vouch for fail with a {@link MaskingException}; adapters then
 * withhold them (a 500 {@code Status}).
 */
public final class Guard {

  private static final Logger LOG = LoggerFactory.getLogger(Guard.class);
  private static final Identity NOBODY = Identity.of("system:anonymous", "system:unauthenticated");

  private final PolicyEngine policy;
  private final RequestClassifier classifier;
  private final Masker masker;
  private final ExchangeAudit audit;
  private final ApprovalLedger ledger;
  private final Clock clock;
  private final AuditIds auditIds = new AuditIds();
  private final int maxRequestBodyBytes;
  private final int auditBodyLimit;
  private final boolean recordingFailureAllows;
  private final boolean refuseMaskedWrites;
  private final SpiCalls spi = new SpiCalls();
  private final boolean policyInline;
  private final Duration policyTimeout;

  private Guard(Builder b) {
    this.policy = b.policy;
    this.classifier = b.classifier;
    this.masker = b.masker;
    this.policyTimeout = b.policyTimeout;
    this.policyInline = SpiCalls.boundsItself(b.policy);
    this.audit = new ExchangeAudit(b.recorder, spi, b.recorderTimeout, b.masker, b.clock, b.auditBodyLimit);
    this.clock = b.clock;
    this.ledger = new ApprovalLedger(b.approver, bounded(b.approver), b.approvalTimeout, b.clock, b.maxPendingApprovals);
    this.maxRequestBodyBytes = b.maxRequestBodyBytes;
    this.auditBodyLimit = b.auditBodyLimit;
    this.recordingFailureAllows = b.recordingFailureAllows;
    this.refuseMaskedWrites = b.refuseMaskedWrites;
  }

  // The approver's call must return at once (its answer completes later); one that hangs would
  // hold the caller past any approval timeout, so asking is bounded like a policy decision.
  private Approver bounded(Approver approver) {
    if (approver == null) {
      return null;
    }
    return request -> {
      try {
        return spi.call("approver", policyTimeout, () -> approver.requestApproval(request));
      } catch (SpiCalls.Failure e) {
        LOG.warn("kubeguard: {}; denying approval {}", e.getMessage(), request.id(), e.getCause());
        return CompletableFuture.failedFuture(e);
      }
    };
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Begins the exchange of one HTTP request made on behalf of {@code identity} ({@code null} when
   * none is bound: always a denial), as the HTTP client will put it on the wire. Judges and records
   * it before returning; the adapter then answers {@link GuardedExchange#denied() the denial} or
   * forwards with {@link GuardedExchange#headersToSet()} and {@link GuardedExchange#headersToDrop()}
   * applied, and reports the response through {@link GuardedExchange#respond}.
   *
   * <p>Never throws for a bad request or a failing part: every failure is a denied exchange.
   */
  public GuardedExchange begin(Identity identity, KubeRequest request, CallContext context) {
    Objects.requireNonNull(request, "request");
    CallContext ctx = context == null ? CallContext.now() : context;
    Verdict v;
    try {
      String rewritten = WireRules.rewrittenByClients(request);
      v = rewritten != null ? refuseVerdict(identity, request, ctx, rewritten) : check(identity, request, ctx);
    } catch (Throwable e) {
      // The last line of fail-closed: whatever escaped the stages (bar a JVM-fatal error) denies.
      Faults.rethrowIfFatal(e);
      LOG.warn("kubeguard: judging failed; denying {} {}", request.method(), request.rawPath(), e);
      v = refuseUnrecorded(identity, request, "the request could not be judged");
    }
    return new GuardedExchange(this, v, request);
  }

  /**
   * Begins an exchange the adapter must refuse before the policy can judge it (a body it cannot
   * read without breaking the call, an identity source that failed, a client setting that would
   * send requests unjudged): a denial, recorded like any other with {@code context}'s tool and
   * session. {@code identity} may be {@code null}.
   */
  public GuardedExchange refuse(Identity identity, KubeRequest request, CallContext context, String reason) {
    Objects.requireNonNull(request, "request");
    CallContext ctx = context == null ? CallContext.now() : context;
    Verdict v;
    try {
      v = refuseVerdict(identity, request, ctx, reason);
    } catch (Throwable e) {
      Faults.rethrowIfFatal(e);
      LOG.warn("kubeguard: could not record a refusal of {} {}", request.method(), request.rawPath(), e);
      v = refuseUnrecorded(identity, request, reason);
    }
    return new GuardedExchange(this, v, request);
  }

  /** The largest request body the Guard judges; adapters read at most one byte more. */
  public int maxRequestBodyBytes() {
    return maxRequestBodyBytes;
  }

  /**
   * Judges one HTTP request made on behalf of {@code identity} ({@code null} when none is bound:
   * always a denial). Records the decision before returning; forward only if
   * {@link Verdict#allowed()}. Adapters use {@link #begin} instead, which adds the wire rules.
   */
  Verdict check(Identity identity, KubeRequest request, CallContext context) {
    Objects.requireNonNull(request, "request");
    CallContext ctx = context == null ? CallContext.now() : context;
    Instant received = clock.instant();
    String auditId = auditIds.next();
    if (identity == null) {
      return denied(null, NOBODY, request, seenAs(request), Decision.deny("no identity is bound to this call"), auditId, "", received, ctx);
    }
    if (request.bodyLength() > maxRequestBodyBytes) {
      return denied(null, identity, request, seenAs(request),
          Decision.deny("request body exceeds the guard's limit of " + maxRequestBodyBytes + " bytes"),
          auditId, "", received, ctx);
    }
    Evaluation evaluation;
    try {
      evaluation = evaluate(identity, request, ctx);
    } catch (ClassificationException e) {
      return denied(null, identity, request, seenAs(request), Decision.deny("request rejected: " + e.getMessage()), auditId, "", received, ctx);
    } catch (Throwable e) {
      // A classifier (or an SPI it reaches) failing in any way, an Error included, is a denial.
      Faults.rethrowIfFatal(e);
      LOG.warn("kubeguard: classification failed for {} {}", request.method(), request.rawPath(), e);
      return denied(null, identity, request, seenAs(request), Decision.deny("request could not be classified"), auditId, "", received, ctx);
    }
    return conclude(evaluation, auditId, received);
  }

  // What a request that was not classified looked like: the non-resource request of its path.
  private static Attributes seenAs(KubeRequest request) {
    return Attributes.nonResource(request.method().toLowerCase(Locale.ROOT), request.rawPath());
  }

  private Verdict refuseVerdict(Identity identity, KubeRequest request, CallContext ctx, String reason) {
    return denied(null, identity == null ? NOBODY : identity, request, seenAs(request), Decision.deny(reason),
        auditIds.next(), "", clock.instant(), ctx);
  }

  // Only when the Guard itself failed: a 403 built without recording (the caller logged why).
  private static Verdict refuseUnrecorded(Identity identity, KubeRequest request, String reason) {
    String user = identity == null ? NOBODY.user() : identity.user();
    Attributes seen = seenAs(request);
    String message = KubeStatus.forbiddenMessage(user, seen, "kubeguard: " + reason);
    // not from auditIds: this path must not depend on what may have just failed
    return new Verdict(false, Decision.deny(reason), null, UUID.randomUUID().toString(), "", 403, message,
        KubeStatus.forbidden(user, seen, "kubeguard: " + reason));
  }

  /**
   * Judges a question asked from attributes alone (no HTTP request, as a SubjectAccessReview).
   * Approval cannot be given without a request to bind it to, so a decision requiring one is a
   * denial here.
   */
  Verdict check(AccessRequest question) {
    Objects.requireNonNull(question, "question");
    return conclude(decideAll(List.of(question)), auditIds.next(), clock.instant());
  }

  /**
   * Classifies {@code request} and asks the policy every question it raises, without approval or
   * recording: what the policy alone says (the CLI's {@code check}, dry runs).
   *
   * @throws ClassificationException when kube-apiserver would reject the request itself
   */
  public Evaluation evaluate(Identity identity, KubeRequest request, CallContext context)
      throws ClassificationException {
    RequestInfo info = classifier.classify(request.method(), request.uri());
    boolean dryRun = classifier.isDryRun(request.uri());
    List<Attributes> questions = classifier.authorizationChecks(info, request);
    List<AccessRequest> checks = new ArrayList<>(questions.size());
    for (Attributes question : questions) {
      checks.add(new AccessRequest(identity, request, info, question, dryRun, context));
    }
    return decideAll(checks);
  }

  /** Asks the policy each question; the strongest answer wins (deny > approval > allow). */
  public Evaluation decideAll(List<AccessRequest> checks) {
    Decision best = null;
    AccessRequest decisive = null;
    AuditLevel level = AuditLevel.NONE;
    for (AccessRequest q : checks) {
      Decision d = decideOne(q);
      if (d.obligations().auditLevel().compareTo(level) > 0) {
        level = d.obligations().auditLevel();
      }
      if (best == null || d.effect().rank() > best.effect().rank()) {
        best = d;
        decisive = q;
      }
      if (d.effect() == Decision.Effect.DENY) {
        break;
      }
    }
    // The response's masking follows the decisive rule; the audit keeps the most any rule asked.
    return new Evaluation(checks, best.withObligations(best.obligations().withAuditLevel(level)), decisive);
  }

  // Bounded by the policy timeout; any failure (an Error too) or a late answer is a denial.
  private Decision decideOne(AccessRequest q) {
    try {
      Decision d = spi.call("policy engine", policyTimeout, policyInline, new PolicyCall(policy, q));
      return d != null ? d : Decision.deny("policy engine returned no decision");
    } catch (SpiCalls.Failure e) {
      LOG.warn("kubeguard: {}; denying", e.getMessage(), e.getCause());
      return Decision.deny(e.getMessage());
    }
  }

  // A named class rather than a lambda, so the first call links no call site (see openResponse).
  private record PolicyCall(PolicyEngine policy, AccessRequest question) implements SpiCalls.Call<Decision> {
    @Override
    public Decision call() throws Exception {
      return policy.decide(question);
    }
  }

  private Verdict conclude(Evaluation ev, String auditId, Instant received) {
    Decision d = ev.decision();
    AccessRequest primary = ev.primary();
    KubeRequest http = primary.request();
    if (d.effect() != Decision.Effect.DENY && http != null && refuseMaskedWrites) {
      // Before any approval is asked: nobody should approve a write the Guard will not send.
      MaskedWrites.Finding f = MaskedWrites.find(http);
      if (f != null) {
        return maskedWrite(primary, f, d, auditId, received);
      }
    }
    switch (d.effect()) {
      case ALLOW:
        return allowed(ev.primary(), d, auditId, "", received, List.of());
      case DENY:
        return denied(primary, primary.identity(), http, ev.decisive().attributes(), d, auditId, "", received, primary.context());
      default:
        break;
    }
    if (http == null) {
      return denied(primary, primary.identity(), null, ev.decisive().attributes(),
          Decision.deny(d.ruleId(), "approval required, and a check without a request cannot be approved"),
          auditId, "", received, primary.context());
    }
    ApprovalLedger.Result r;
    try {
      r = ledger.approve(primary, d, RequestDigest.of(primary.identity(), http));
    } catch (Throwable e) {
      Faults.rethrowIfFatal(e);
      LOG.warn("kubeguard: approval failed; denying", e);
      r = new ApprovalLedger.Result(ApprovalLedger.Result.Status.DENIED, "", "approval failed", null);
    }
    if (r.status() == ApprovalLedger.Result.Status.APPROVED) {
      Decision approved = new Decision(Decision.Effect.ALLOW, d.reason() + "; " + r.message(), d.ruleId(), d.obligations(), d.annotations());
      return allowed(primary, approved, auditId, r.approvalId(), received, r.outcome().approvers());
    }
    String why = withRule(d) + ": " + r.message();
    return denied(primary, primary.identity(), http, ev.decisive().attributes(),
        new Decision(Decision.Effect.REQUIRE_APPROVAL, why, d.ruleId(), d.obligations(), d.annotations()),
        auditId, r.approvalId(), received, primary.context());
  }

  private Verdict allowed(AccessRequest q, Decision d, String auditId, String approvalId, Instant received, List<Identity> approvers) {
    String profile = d.obligations().maskingProfile();
    String unmaskable = WireRules.unmaskableUpgrade(q, profile);
    if (unmaskable == null && !"none".equals(profile) && !masker.knowsProfile(profile)) {
      // Found only at the response, the server would already have acted on the request.
      unmaskable = "the policy asks for masking profile '" + profile + "', which the Guard's masker does not know:"
          + " register it with the masker (DefaultMasker.builder().profile(...)) or fix the policy";
    }
    if (unmaskable != null) {
      return denied(q, q.identity(), q.request(), q.attributes(), Decision.deny(d.ruleId(), unmaskable), auditId, approvalId,
          received, q.context());
    }
    Verdict v = new Verdict(true, d, q, auditId, approvalId, 0, "", null);
    if (d.obligations().auditLevel() == AuditLevel.NONE || !audit.recording()) {
      return v;
    }
    KubeRequest http = q.request();
    String requestObject = http != null && d.obligations().auditLevel().includesRequest() ? audit.maskedRequestBody(v) : null;
    try {
      audit.record(audit.event(v, q, received).stage(AuditEvent.Stage.RequestReceived).requestBody(requestObject)
          .approval(approvalId, users(approvers)));
      return v;
    } catch (SpiCalls.Failure | RuntimeException e) {
      if (recordingFailureAllows) {
        LOG.warn("kubeguard: audit recorder failed; forwarding anyway as configured (auditID {})", auditId, e);
        return v;
      }
      LOG.warn("kubeguard: audit recorder failed; denying (auditID {})", auditId, e);
      String why = e instanceof SpiCalls.Failure f && f.timedOut()
          ? "the audit trail did not accept this request in time (" + e.getMessage() + ")"
          : "the audit trail cannot record this request";
      return new Verdict(false, Decision.deny(d.ruleId(), why), q, auditId, approvalId, 403, why,
          KubeStatus.forbidden(q.identity().user(), q.attributes(), "kubeguard: " + why));
    }
  }

  // A plain loop: a stream pipeline here would be linked and interpreted on every first call.
  private static List<String> users(List<Identity> identities) {
    if (identities.isEmpty()) {
      return List.of();
    }
    List<String> users = new ArrayList<>(identities.size());
    for (Identity i : identities) {
      users.add(i.user());
    }
    return List.copyOf(users);
  }

  private Verdict denied(AccessRequest q, Identity who, KubeRequest http, Attributes about, Decision d,
      String auditId, String approvalId, Instant received, CallContext ctx) {
    String reason = denialReason(d);
    byte[] body = KubeStatus.forbidden(who.user(), about, reason);
    String message = KubeStatus.forbiddenMessage(who.user(), about, reason);
    return refused(q, who, http, about, d, auditId, approvalId, received, ctx, 403, "Forbidden", message, body);
  }

  // A write carrying the Guard's own mask tokens would store them over the real values: refused
  // as kube-apiserver refuses an invalid object, so clients raise their usual 422.
  private Verdict maskedWrite(AccessRequest q, MaskedWrites.Finding f, Decision d, String auditId, Instant received) {
    String reason = "kubeguard: " + (f.fields().isEmpty() ? "the body holds" : f.fields().size() == 1 ? "this field holds" : "these fields hold")
        + " values KubeGuard masked when they were read (" + MaskedWrites.TOKEN_FORMAT + "), and writing them back would"
        + " replace the real values with the masks; send only what you change, as a patch"
        + " (kubectl patch or kubectl edit; fabric8 .edit() or .patch() of the changed fields)";
    String message = KubeStatus.invalidMessage(q.attributes(), f.fields(), reason);
    byte[] body = KubeStatus.invalid(q.attributes(), f.fields(), reason);
    Decision refusal = Decision.deny(d.ruleId(), "write carries masked values" + (f.fields().isEmpty() ? "" : " in " + String.join(", ", f.fields())));
    return refused(q, q.identity(), q.request(), q.attributes(), refusal, auditId, "", received, q.context(), 422, "Invalid", message, body);
  }

  private Verdict refused(AccessRequest q, Identity who, KubeRequest http, Attributes about, Decision d, String auditId,
      String approvalId, Instant received, CallContext ctx, int code, String statusReason, String message, byte[] body) {
    Verdict v = new Verdict(false, d, q, auditId, approvalId, code, message, body);
    if (!audit.recording()) {
      return v;
    }
    // A request denied before it could be classified is recorded as the non-resource request it
    // looked like, so its URI and user agent still reach the audit trail.
    AccessRequest subject = q != null ? q
        : http != null
            ? new AccessRequest(who, http, RequestInfo.nonResource(http.rawPath(), about.verb()), about, false, ctx)
            : AccessRequest.forAttributes(who, about, ctx);
    try {
      audit.record(audit.event(v, subject, received).responseStatus(code, "Failure", statusReason, message).approval(approvalId, List.of()));
    } catch (SpiCalls.Failure | RuntimeException e) {
      LOG.warn("kubeguard: audit recorder failed to record a denial (auditID {})", auditId, e);
    }
    return v;
  }

  private static String denialReason(Decision d) {
    return "kubeguard: " + (d.effect() == Decision.Effect.REQUIRE_APPROVAL ? d.reason() : withRule(d));
  }

  // Names the deciding rule unless the policy's reason already does.
  private static String withRule(Decision d) {
    if (d.ruleId().isEmpty() || d.reason().contains(d.ruleId())) {
      return d.reason();
    }
    return d.reason() + " (rule " + KubeStatus.quote(d.ruleId()) + ")";
  }

  /**
   * Starts the response of an allowed request: the returned stream masks the body into
   * {@code downstream} under the verdict's profile and records the response event when finished
   * or failed.
   *
   * @throws MaskingException when the body cannot be masked (an encoding or content type the
   *     masker cannot read): withhold it and answer {@link KubeStatus#internalError}
   */
  ResponseStream openResponse(Verdict v, int code, String contentType, String contentEncoding, ChunkSink downstream)
      throws MaskingException {
    if (!v.allowed()) {
      throw new IllegalStateException("a denied request has no response to open");
    }
    Instant received = clock.instant();
    AccessRequest q = v.request();
    AuditLevel level = v.obligations().auditLevel();
    ResponseStream.Completion completion = new ResponseStream.Completion() {
      @Override
      public void completed(byte[] capture, long totalBytes, int masked) {
        String body = capture == null ? null
            : totalBytes > capture.length ? ExchangeAudit.truncationMarker(totalBytes) : new String(capture, StandardCharsets.UTF_8);
        audit.response(v, code, body, masked, received, null);
      }

      @Override
      public void failed(String why) {
        audit.response(v, code, null, 0, received, why);
      }
    };
    // A 101 (upgrade), 204, 304 or HEAD answer has no body; an upgraded stream's frames are not
    // HTTP bodies and cannot be masked here (documented in the adapters).
    boolean bodiless = code == 204 || code == 304 || (code >= 100 && code < 200)
        || (q.request() != null && q.request().method().equals("HEAD"));
    boolean encoded = contentEncoding != null && !contentEncoding.isBlank() && !contentEncoding.equalsIgnoreCase("identity");
    int capture = level.includesResponse() && audit.recording() ? auditBodyLimit : -1;
    // An inner class, not a lambda: each lambda call site is linked (bytecode spun, method
    // handles resolved) on its first call, which a tool making a handful of calls pays every run.
    ResponseStream.Opener opener = new ResponseStream.Opener() {
      @Override
      public MaskingStream open(ChunkSink sink) throws MaskingException {
        if (!v.masksResponse() || bodiless) {
          return Masker.passThrough().open(new MaskingContext("none", contentType, q), sink);
        }
        if (encoded) {
          throw new MaskingException("response content encoding '" + contentEncoding + "' cannot be masked");
        }
        return masker.open(new MaskingContext(v.maskingProfile(), contentType, q), sink);
      }
    };
    return ResponseStream.open(opener, downstream, capture, completion);
  }

  /** The audit choreography of this Guard's exchanges. */
  ExchangeAudit audit() {
    return audit;
  }

  Instant now() {
    return clock.instant();
  }

  /**
   * Configures a {@link Guard}. Not thread-safe; {@link #build()} validates everything and fails
   * with a message that says what to fix.
   */
  public static final class Builder {
    private PolicyEngine policy;
    private Approver approver;
    private Masker masker;
    private Recorder recorder;
    private RequestClassifier classifier = RequestClassifier.standard();
    private Clock clock = Clock.systemUTC();
    private Duration approvalTimeout = Duration.ofMinutes(5);
    private Duration policyTimeout = Duration.ofSeconds(5);
    private Duration recorderTimeout = Duration.ofSeconds(5);
    private int maxRequestBodyBytes = 3 * 1024 * 1024;
    private int auditBodyLimit = 64 * 1024;
    private int maxPendingApprovals = 10_000;
    private boolean recordingFailureAllows;
    private boolean refuseMaskedWrites = true;

    private Builder() {}

    /** The policy engine deciding every question (required). */
    public Builder policy(PolicyEngine engine) {
      this.policy = engine;
      return this;
    }

    /** Who approves requests a policy holds; without one, such requests are denied. */
    public Builder approver(Approver a) {
      this.approver = a;
      return this;
    }

    /**
     * The masker for responses (and recorded request bodies). Default: a {@link DefaultMasker}
     * with the default profile and a random key, so equal secrets mask alike within this Guard.
     */
    public Builder masker(Masker m) {
      this.masker = m;
      return this;
    }

    /** Where audit events go. Without one nothing is recorded, and build() warns that it is so. */
    public Builder recorder(Recorder r) {
      this.recorder = r;
      return this;
    }

    /** How long a blocking approval may hold the caller (default 5 minutes). */
    public Builder approvalTimeout(Duration d) {
      this.approvalTimeout = d;
      return this;
    }

    /**
     * How long one policy decision may take (default 5 seconds); a policy engine that has not
     * answered by then is a denial ("policy engine did not answer within 5s"). Built-in engines
     * answer in microseconds; size this for an engine that calls out, such as OPA, above its own
     * transport timeout. It also bounds asking the approver (not waiting for the answer, which
     * {@link #approvalTimeout} bounds).
     */
    public Builder policyTimeout(Duration d) {
      this.policyTimeout = d;
      return this;
    }

    /**
     * How long the recorder may take to accept one audit event (default 5 seconds). Before
     * forwarding, a late recorder is a recording failure: the request is denied, or forwarded
     * under {@link #recordingFailureAllows(boolean)}. After forwarding it is logged, and the caller
     * waits no longer than this.
     */
    public Builder recorderTimeout(Duration d) {
      this.recorderTimeout = d;
      return this;
    }

    /** The largest request body the guard reads; larger requests are denied (default 3 MiB, the API server's own limit). */
    public Builder maxRequestBodyBytes(int bytes) {
      this.maxRequestBodyBytes = bytes;
      return this;
    }

    /** The most bytes of a (masked) body an audit event keeps (default 64 KiB). */
    public Builder auditBodyLimit(int bytes) {
      this.auditBodyLimit = bytes;
      return this;
    }

    /** Bound on approvals outstanding at once (default 10,000). */
    public Builder maxPendingApprovals(int n) {
      this.maxPendingApprovals = n;
      return this;
    }

    /**
     * Forward requests even when the recorder cannot accept their event, logging a warning.
     * Off by default: an unrecorded request is denied.
     */
    public Builder recordingFailureAllows(boolean allow) {
      this.recordingFailureAllows = allow;
      return this;
    }

    /**
     * Whether a write (POST, PUT or PATCH) whose body carries the Guard's own mask tokens is
     * refused before it is sent (default: yes). A client that reads a masked Secret or ConfigMap
     * and writes it back whole ({@code update()}, {@code replace()}) would otherwise store the
     * tokens in place of the real values; the caller gets a 422 {@code Invalid} Status naming the
     * fields and pointing to a patch of only the changed fields. Applies to allowed writes and to
     * writes held for approval (refused before an approver is asked), whatever the masking profile.
     *
     * <p>The check knows the built-in token format ({@code kubeguard-masked:<16 hex>}, plain or
     * base64), which {@link DefaultMasker} writes; a custom {@link Masker} with a token format of
     * its own must keep its tokens from being written back itself (a policy rule, or its own
     * check before the Guard). Turn it off only if storing such tokens is intended.
     */
    public Builder refuseWritesOfMaskedValues(boolean refuse) {
      this.refuseMaskedWrites = refuse;
      return this;
    }

    /** The clock for timestamps and approval expiry (tests). */
    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    public Guard build() {
      List<String> problems = new ArrayList<>();
      if (policy == null) problems.add("no policy engine: call policy(...) with a GuardPolicyEngine, an OpaPolicyEngine or your own");
      if (clock == null) problems.add("clock must not be null");
      if (approvalTimeout == null || approvalTimeout.isNegative() || approvalTimeout.isZero()) problems.add("approvalTimeout must be positive");
      if (policyTimeout == null || policyTimeout.isNegative() || policyTimeout.isZero()) {
        problems.add("policyTimeout must be positive: pass how long a policy decision may take, e.g. Duration.ofSeconds(5)");
      }
      if (recorderTimeout == null || recorderTimeout.isNegative() || recorderTimeout.isZero()) {
        problems.add("recorderTimeout must be positive: pass how long the recorder may take to accept an event, e.g. Duration.ofSeconds(5)");
      }
      if (maxRequestBodyBytes <= 0) problems.add("maxRequestBodyBytes must be positive");
      if (auditBodyLimit < 64) problems.add("auditBodyLimit must be at least 64 bytes");
      if (maxPendingApprovals <= 0) problems.add("maxPendingApprovals must be positive");
      if (!problems.isEmpty()) {
        throw new IllegalStateException("invalid Guard configuration: " + String.join("; ", problems));
      }
      if (masker == null) {
        masker = DefaultMasker.builder().randomKey().build();
      }
      if (recorder == null) {
        // Allowed (tests, dry runs), but an operator must not believe requests are audited.
        LOG.warn("kubeguard: no audit recorder is configured; requests will not be recorded");
        recorder = ExchangeAudit.NO_RECORDER;
      }
      return new Guard(this);
    }
  }

}
