package dev.kubeguard.approval.kubernetes;

import dev.kubeguard.api.ApprovalNotice;
import dev.kubeguard.api.ApprovalOutcome;
import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.ApprovalNotifier;
import dev.kubeguard.api.spi.Approver;
import dev.kubeguard.api.spi.Authenticator;
import dev.kubeguard.api.spi.Masker;
import dev.kubeguard.core.approval.ApproverEligibility;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link Approver} that holds each request as a namespaced {@code ApprovalRequest} object
 * ({@code approvalrequests.kubeguard.dev}) in the cluster, so every replica of a guarded program,
 * and every restart, sees one set of approvals. Ship {@code META-INF/kubeguard/approvalrequests.kubeguard.dev.yaml}
 * (the CRD) and {@code rbac-replica.yaml} / {@code rbac-approver.yaml} from this jar.
 *
 * <ul>
 *   <li><b>One approval per request, whichever replica asks.</b> The object is named from the
 *       request digest ({@code apr-<digest prefix>-<round>}), so a retry that lands on another
 *       replica finds the same approval; a new round starts only once the last one is dead
 *       (used, expired, or its window over).
 *   <li><b>Answers count only with a proven identity.</b> {@link #answer} takes the answerer's
 *       own bearer token: an OIDC token checked by the configured {@link Authenticator}, or a
 *       Kubernetes identity the API server vouches for (TokenReview) that also passes a
 *       SubjectAccessReview for verb {@code approve} on this object. The requester and anyone
 *       outside the requirement's approver groups are refused ({@link ApproverEligibility}).
 *       The replica then writes the answer sealed with the key the replicas share; an answer typed
 *       into the object by hand has no valid seal and approves nothing.
 *   <li><b>Used once, across replicas.</b> Before a single-use approval lets a request through,
 *       {@link #redeem} marks the object used with an update that carries the resourceVersion it
 *       read: the API server's optimistic concurrency lets exactly one replica win. Expiry and
 *       reuse windows are read from the object, so every replica applies the same ones.
 *   <li><b>What the approver sees.</b> With the Guard's own {@link Builder#masker masker}, the
 *       object carries the request body masked and, for a create, update, patch or delete, a
 *       unified diff of the live object against the server's answer to the same request sent
 *       with {@code dryRun=All} (the replica's client, bounded by {@link Builder#dryRunTimeout}),
 *       both masked ({@code spec.view}); a failed or refused dry-run only leaves a note there,
 *       it never blocks or allows anything. Without a masker nothing of the body is shown.
 *   <li><b>Finished objects go.</b> Every replica deletes the objects that finished more than
 *       {@link Builder#keepFinishedFor} ago (default a day), so the namespace does not grow with
 *       every held request.
 *   <li><b>Notifications.</b> The replica that creates an object announces it once to the
 *       {@link Builder#notifier notifier}, with the same masked view.
 * </ul>
 *
 * <p><b>Threading:</b> thread-safe. {@link #requestApproval} creates the object on the calling
 * thread (bounded by the client's request timeout) and returns; when a dry-run preview is due it
 * returns at once and the object is created on one of this approver's two preview threads once
 * the dry-run answered or timed out (a retry in that short while is told it is pending; an answer
 * to it is refused as unknown until then). Answers arrive through an
 * informer every replica runs on fabric8's own threads. {@link #approvalId}, {@link #redeem} and
 * {@link #answer} call the API server and block for it. <b>Failure:</b> any error asking,
 * redeeming or naming is a denial of the request (fail closed); an answer that cannot be proven
 * or written is an {@link AnswerRefusedException} and changes nothing. Close it to stop the
 * informer; the client stays the caller's.
 */
public final class KubernetesApprover implements Approver, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesApprover.class);
  private static final int WRITE_ATTEMPTS = 5;

  private final KubernetesClient client;
  private final String namespace;
  private final AnswerSeal seal;
  private final ApproverProof proof;
  private final String where;
  private final Clock clock;
  private final RequestPreview preview;
  private final ApprovalNotifier notifier;
  private final String answerUrl;
  private final ThreadPoolExecutor previews;
  private final ConcurrentHashMap<String, CompletableFuture<ApprovalOutcome>> waiting = new ConcurrentHashMap<>();
  private final SharedIndexInformer<GenericKubernetesResource> informer;
  private final FinishedSweep sweep;
  private final ScheduledExecutorService sweeper;

  private KubernetesApprover(Builder b) {
    this.client = b.client;
    this.namespace = b.namespace;
    this.seal = new AnswerSeal(b.answerKey);
    this.proof = new ApproverProof(b.client, b.oidc, b.kubernetesIdentities);
    this.clock = b.clock;
    this.preview = new RequestPreview(b.client, b.masker, b.dryRun, b.dryRunTimeout);
    this.notifier = b.notifier;
    this.answerUrl = b.answerUrl == null ? "" : b.answerUrl;
    this.where = b.where != null ? b.where
        : (answerUrl.isEmpty() ? "" : answerUrl + " (or: ")
            + "an approver with verb \"approve\" on approvalrequests.kubeguard.dev answers ApprovalRequest {id} in namespace \""
            + b.namespace + "\" (for example: kubeguard approvals approve {id} -n " + b.namespace + ")"
            + (answerUrl.isEmpty() ? "" : ")");
    // Two threads: previews wait on the API server, not the CPU; a full queue skips the dry-run.
    this.previews = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(64), r -> {
      Thread t = new Thread(r, "kubeguard-approval-preview");
      t.setDaemon(true);
      return t;
    });
    previews.allowCoreThreadTimeOut(true);
    this.informer = objects().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource o) {
        observe(o);
      }

      @Override
      public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource o) {
        observe(o);
      }

      @Override
      public void onDelete(GenericKubernetesResource o, boolean unknownFinalState) {
        CompletableFuture<ApprovalOutcome> f = waiting.remove(o.getMetadata().getName());
        if (f != null) {
          f.complete(new ApprovalOutcome(ApprovalOutcome.Status.EXPIRED, o.getMetadata().getName(), List.of(),
              "the ApprovalRequest object was deleted", clock.instant()));
        }
      }
    }, 0);
    this.sweep = new FinishedSweep(() -> informer.getStore().list(), objects(), seal, clock, b.keepFinished);
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kubeguard-approval-sweep");
      t.setDaemon(true);
      return t;
    });
    Duration every = FinishedSweep.period(b.keepFinished);
    sweeper.scheduleWithFixedDelay(sweep::sweep, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Deletes the finished objects older than the retention now (tests; it also runs on its own). */
  int sweepFinished() {
    return sweep.sweep();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The object named {@code id} as this replica's informer last saw it, or null. */
  private GenericKubernetesResource cached(String id) {
    return informer.getStore().getByKey(namespace + "/" + id);
  }

  private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> objects() {
    return client.genericKubernetesResources(ApprovalObject.CONTEXT).inNamespace(namespace);
  }

  @Override
  public CompletionStage<ApprovalOutcome> requestApproval(ApprovalRequest request) {
    CompletableFuture<ApprovalOutcome> answer = new CompletableFuture<>();
    waiting.put(request.id(), answer);
    answer.whenComplete((o, t) -> waiting.remove(request.id(), answer));
    if (!preview.callsServer(request)) {
      hold(request, answer, preview.view(request));
      return answer;
    }
    GenericKubernetesResource known = cached(request.id());
    if (known != null) {
      // Another replica holds it already: no second dry-run, its object says it all.
      hold(request, answer, null);
      return answer;
    }
    // The spec is immutable once created, so the dry-run comes first, off the caller's thread:
    // requestApproval must return at once, and the dry-run may take up to its timeout.
    try {
      previews.execute(() -> hold(request, answer, preview.view(request)));
    } catch (RejectedExecutionException busy) {
      hold(request, answer, preview.withoutServer(request, "dry-run skipped: too many previews in flight; no diff"));
    }
    return answer;
  }

  // Creates the object of request (or adopts the one another replica created) and watches it;
  // the replica that creates it announces it. view null: adopt only.
  private void hold(ApprovalRequest request, CompletableFuture<ApprovalOutcome> answer, ApprovalView view) {
    GenericKubernetesResource held = null;
    boolean created = false;
    try {
      if (view != null) {
        try {
          held = objects().resource(ApprovalObject.of(request, namespace, view, answerUrl(request.id()))).create();
          created = true;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
        }
      }
      if (held == null) {
        // Another replica (or an earlier ask) holds this request already: adopt its object.
        held = objects().withName(request.id()).get();
        if (held == null || !request.digest().equals(ApprovalObject.digest(held))) {
          answer.completeExceptionally(new IllegalStateException("ApprovalRequest " + request.id()
              + " exists for another request"));
          return;
        }
      }
    } catch (RuntimeException e) {
      answer.completeExceptionally(e);
      return;
    }
    observe(held);
    if (created) {
      announce(request, view);
    }
  }

  private String answerUrl(String id) {
    return answerUrl.replace("{id}", id);
  }

  private void announce(ApprovalRequest request, ApprovalView view) {
    if (notifier == null) {
      return;
    }
    try {
      notifier.notify(ApprovalNotice.of(request, answerUrl(request.id()), whereToAnswer(request),
          view.maskedBody(), view.diff(), view.diffNote()));
    } catch (RuntimeException e) {
      // A notification is a courtesy: the request stays pending whatever the notifier does.
      LOG.warn("kubeguard: approval notifier failed for {}", request.id(), e);
    }
  }

  private void observe(GenericKubernetesResource o) {
    if (o == null || o.getMetadata() == null) {
      return;
    }
    CompletableFuture<ApprovalOutcome> f = waiting.get(o.getMetadata().getName());
    if (f == null) {
      return;
    }
    String name = o.getMetadata().getName();
    Instant now = clock.instant();
    if (ApprovalObject.used(o)) {
      f.complete(new ApprovalOutcome(ApprovalOutcome.Status.EXPIRED, name, List.of(),
          "approval " + name + " was already used; the next retry asks again", now));
      return;
    }
    ApprovalOutcome outcome;
    try {
      outcome = ApprovalObject.outcome(o, seal);
    } catch (RuntimeException malformed) {
      LOG.warn("kubeguard: ApprovalRequest {} cannot be read; it approves nothing", name);
      return;
    }
    if (outcome != null) {
      f.complete(outcome);
    } else if (!now.isBefore(ApprovalObject.expiresAt(o))) {
      f.complete(ApprovalOutcome.expired(name));
    }
  }

  /** The live approval of this digest, or the next round's name once the last one is dead. */
  @Override
  public String approvalId(String digest) {
    Instant now = clock.instant();
    int lastRound = 0;
    for (GenericKubernetesResource o : objects().withLabel(ApprovalObject.DIGEST_LABEL, ApprovalObject.digestLabel(digest))
        .list().getItems()) {
      if (!digest.equals(ApprovalObject.digest(o))) {
        continue;
      }
      String name = o.getMetadata().getName();
      if (!ApprovalObject.dead(o, seal, now)) {
        return name;
      }
      lastRound = Math.max(lastRound, round(name));
    }
    return prefix(digest) + (lastRound + 1);
  }

  private static String prefix(String digest) {
    return "apr-" + digest.substring(0, 16) + "-";
  }

  private static int round(String name) {
    try {
      return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
    } catch (RuntimeException notOurs) {
      return 0;
    }
  }

  @Override
  public boolean redeem(ApprovalRequest request, ApprovalOutcome outcome) {
    GenericKubernetesResource o = objects().withName(request.id()).get();
    Instant now = clock.instant();
    if (o == null || !request.digest().equals(ApprovalObject.digest(o)) || ApprovalObject.used(o)
        || !now.isBefore(ApprovalObject.expiresAt(o))) {
      return false;
    }
    ApprovalOutcome stored = ApprovalObject.outcome(o, seal);
    if (stored == null || stored.status() != ApprovalOutcome.Status.APPROVED) {
      return false;
    }
    ApprovalObject.status(o).put("used", true);
    ApprovalObject.status(o).put("usedAt", now.toString());
    try {
      // The resourceVersion read above travels with the update: of replicas racing to use one
      // approval, the API server lets exactly one write succeed and answers the rest 409.
      objects().resource(o).update();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw e;
    }
  }

  /**
   * The informer updates its cache before it calls the handler that completes a waiting request,
   * so {@link #find} can show an answer a retry would not yet see: read the cache for it.
   */
  @Override
  public void refresh(ApprovalRequest request) {
    observe(cached(request.id()));
  }

  @Override
  public String whereToAnswer(ApprovalRequest request) {
    return where.replace("{id}", request.id());
  }

  /**
   * Records an answer to approval {@code approvalId}, given by whoever holds {@code bearerToken}
   * (their own credential, used only to prove who they are and never stored or logged).
   *
   * @param approve {@code true} to approve, {@code false} to deny
   * @return the proven identity the answer was recorded for
   * @throws AnswerRefusedException when the identity cannot be proven, may not answer, has
   *     answered already, or the approval is unknown or no longer open; nothing changed
   */
  public Identity answer(String approvalId, String bearerToken, boolean approve, String comment) {
    Objects.requireNonNull(approvalId, "approvalId");
    GenericKubernetesResource o = open(approvalId);
    ApproverProof.Proven proven = proof.prove(bearerToken, namespace, approvalId);
    Identity who = proven.identity();
    for (int attempt = 1; ; attempt++) {
      if (proven.provenBy().equals(ApproverProof.OIDC) && ApprovalObject.requirement(o).approverGroups().isEmpty()) {
        // An OIDC token proves who, not that they may approve: only approver groups can say that.
        throw new AnswerRefusedException("answer refused: " + approvalId + " names no approver groups, so an OIDC"
            + " identity cannot approve it; answer with a Kubernetes identity allowed verb \"approve\"");
      }
      String why = ApproverEligibility.whyNot(who, ApprovalObject.requester(o), ApprovalObject.requirement(o), approvalId);
      if (why != null) {
        throw new AnswerRefusedException("answer refused: " + why);
      }
      if (answeredBy(o, who)) {
        throw new AnswerRefusedException(who.user() + " has already answered " + approvalId);
      }
      ObjectAnswer a = new ObjectAnswer(approve ? ObjectAnswer.APPROVED : ObjectAnswer.DENIED, who.user(), who.uid(),
          who.groups(), comment == null ? "" : comment, clock.instant(), proven.provenBy(), "");
      ApprovalObject.addAnswer(o, a.sealed(seal.seal(o.getMetadata().getUid(), approvalId, ApprovalObject.digest(o), a)));
      try {
        // This replica need not wait for its own watch to learn the answer it just wrote.
        observe(objects().resource(o).update());
        return who;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == WRITE_ATTEMPTS) {
          throw new AnswerRefusedException("the answer to " + approvalId + " could not be written (HTTP " + e.getCode() + ")", e);
        }
        o = open(approvalId);
      }
    }
  }

  private boolean answeredBy(GenericKubernetesResource o, Identity who) {
    String uid = o.getMetadata().getUid();
    String name = o.getMetadata().getName();
    String digest = ApprovalObject.digest(o);
    return ApprovalObject.answers(o).stream()
        .anyMatch(a -> a.user().equals(who.user()) && seal.verifies(uid, name, digest, a));
  }

  private GenericKubernetesResource open(String approvalId) {
    GenericKubernetesResource o;
    try {
      o = objects().withName(approvalId).get();
    } catch (KubernetesClientException e) {
      throw new AnswerRefusedException("approval " + approvalId + " could not be read (HTTP " + e.getCode() + ")", e);
    }
    if (o == null) {
      throw new AnswerRefusedException("no approval " + approvalId + " in namespace " + namespace);
    }
    if (ApprovalObject.used(o) || !clock.instant().isBefore(ApprovalObject.expiresAt(o))) {
      throw new AnswerRefusedException("approval " + approvalId + " is no longer open (used or expired)");
    }
    if (ApprovalObject.outcome(o, seal) != null) {
      throw new AnswerRefusedException("approval " + approvalId + " has already been decided");
    }
    return o;
  }

  /** The ids of approvals still waiting for an answer, as this replica's informer sees them. */
  public List<String> pending() {
    Instant now = clock.instant();
    List<String> ids = new ArrayList<>();
    for (GenericKubernetesResource o : informer.getStore().list()) {
      if (!ApprovalObject.dead(o, seal, now) && ApprovalObject.outcome(o, seal) == null) {
        ids.add(o.getMetadata().getName());
      }
    }
    ids.sort(null);
    return ids;
  }

  /** The resourceVersion of {@code id} as this replica's informer last saw it, or null (tests). */
  String observedVersion(String id) {
    GenericKubernetesResource o = cached(id);
    return o == null ? null : o.getMetadata().getResourceVersion();
  }

  /** Every approval's resourceVersion as this replica's informer last saw it, by id (tests). */
  Map<String, String> observedVersions() {
    Map<String, String> versions = new HashMap<>();
    for (GenericKubernetesResource o : informer.getStore().list()) {
      versions.put(o.getMetadata().getName(), o.getMetadata().getResourceVersion());
    }
    return versions;
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
    informer.stop();
    previews.shutdownNow();
  }

  /**
   * Every ApprovalRequest this replica's informer holds, newest first (then by id), as an
   * approver surface shows them; only sealed answers count. Reads the informer cache, never the
   * API server, so it does not block; it may lag the cluster by the watch's delay.
   */
  public List<PendingApproval> list() {
    Instant now = clock.instant();
    List<PendingApproval> all = new ArrayList<>();
    for (GenericKubernetesResource o : informer.getStore().list()) {
      readable(o, now).ifPresent(all::add);
    }
    all.sort(Comparator.comparing(PendingApproval::requestedAt).reversed().thenComparing(PendingApproval::id));
    return all;
  }

  /** Approval {@code id} as {@link #list()} shows it, or empty when this replica does not know it. */
  public Optional<PendingApproval> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    GenericKubernetesResource o = cached(id);
    return o == null ? Optional.empty() : readable(o, clock.instant());
  }

  /** The namespace the ApprovalRequest objects live in. */
  public String namespace() {
    return namespace;
  }

  private Optional<PendingApproval> readable(GenericKubernetesResource o, Instant now) {
    try {
      return Optional.of(PendingApproval.read(o, now, seal));
    } catch (RuntimeException malformed) {
      LOG.warn("kubeguard: ApprovalRequest {} cannot be read; it is not listed", o.getMetadata() == null ? "?" : o.getMetadata().getName());
      return Optional.empty();
    }
  }

  /**
   * Configures a {@link KubernetesApprover}. Not thread-safe; {@link #build()} validates and
   * starts the informer (it fails if the CRD is not installed or the client may not watch).
   */
  public static final class Builder {
    private KubernetesClient client;
    private String namespace;
    private byte[] answerKey;
    private Authenticator oidc;
    private boolean kubernetesIdentities = true;
    private String where;
    private Clock clock = Clock.systemUTC();
    private Masker masker;
    private boolean dryRun = true;
    private Duration dryRunTimeout = Duration.ofSeconds(5);
    private ApprovalNotifier notifier;
    private String answerUrl;
    private Duration keepFinished = Duration.ofDays(1);

    private Builder() {}

    /**
     * How long an ApprovalRequest is kept once it is finished (used, denied, expired): between 1
     * minute and 365 days (default 1 day). Every replica deletes older ones; the audit trail keeps
     * the record of the answers.
     */
    public Builder keepFinishedFor(Duration d) {
      this.keepFinished = d;
      return this;
    }

    /** The replica's own client (its service account), allowed what {@code rbac-replica.yaml} grants. Required. */
    public Builder client(KubernetesClient c) {
      this.client = c;
      return this;
    }

    /** Where the ApprovalRequest objects live. Required. */
    public Builder namespace(String ns) {
      this.namespace = ns;
      return this;
    }

    /**
     * The key every replica seals and checks answers with: at least 32 random bytes, the same
     * on every replica, kept in a Secret (never in an ApprovalRequest). Required.
     */
    public Builder answerKey(byte[] key) {
      this.answerKey = key == null ? null : key.clone();
      return this;
    }

    /** Also accept answerers proven by an OIDC token this authenticator verifies (e.g. {@code OidcAuthenticator}). */
    public Builder oidc(Authenticator authenticator) {
      this.oidc = authenticator;
      return this;
    }

    /** Whether Kubernetes identities (TokenReview + SubjectAccessReview) may answer (default true). */
    public Builder kubernetesIdentities(boolean accept) {
      this.kubernetesIdentities = accept;
      return this;
    }

    /** Where approvers answer, shown in the 403 of a pending request; {@code {id}} becomes the id. */
    public Builder whereToAnswer(String hint) {
      this.where = hint;
      return this;
    }

    /**
     * The Guard's own masker (the same instance, so tokens match what the Guard shows and
     * records). Required for approvers to see anything of a request's body: the masked body and
     * the dry-run diff are written into the object only through it.
     */
    public Builder masker(Masker m) {
      this.masker = m;
      return this;
    }

    /**
     * Whether a create, update, patch or delete is also sent with {@code dryRun=All} (with this
     * replica's client, so its account needs the same rights) to show approvers a diff (default
     * true). Turn it off where a server may ignore {@code dryRun} (an aggregated API that does
     * not implement it would perform the write).
     */
    public Builder dryRun(boolean enabled) {
      this.dryRun = enabled;
      return this;
    }

    /** How long the dry-run and the read of the live object may take together (default 5 s). */
    public Builder dryRunTimeout(Duration d) {
      this.dryRunTimeout = d;
      return this;
    }

    /** Told of each new held request, once, by the replica that holds it (e.g. a {@code WebhookNotifier}). */
    public Builder notifier(ApprovalNotifier n) {
      this.notifier = n;
      return this;
    }

    /**
     * Where approvers answer, as a URL whose {@code {id}} becomes the approval id
     * ({@code https://ops.example/kubeguard/approvals/{id}}): written to the object's
     * {@code spec.answerUrl}, sent with notifications and named in the 403 of a pending request.
     */
    public Builder answerUrl(String template) {
      this.answerUrl = template;
      return this;
    }

    /** The clock for expiry and answer times (tests). */
    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    public KubernetesApprover build() {
      List<String> problems = new ArrayList<>();
      if (client == null) problems.add("no client: call client(...) with the replica's KubernetesClient");
      if (namespace == null || namespace.isBlank()) problems.add("no namespace: call namespace(...) with where ApprovalRequests live");
      if (answerKey == null || answerKey.length < AnswerSeal.MIN_KEY_BYTES) {
        problems.add("answerKey must be at least " + AnswerSeal.MIN_KEY_BYTES
            + " random bytes shared by every replica (read it from a Secret)");
      }
      if (oidc == null && !kubernetesIdentities) problems.add("no way to prove an answerer: enable kubernetesIdentities or set oidc(...)");
      if (clock == null) problems.add("clock must not be null");
      if (keepFinished == null || keepFinished.compareTo(Duration.ofMinutes(1)) < 0 || keepFinished.compareTo(Duration.ofDays(365)) > 0) {
        problems.add("keepFinishedFor must be between 1 minute and 365 days, got " + keepFinished);
      }
      if (dryRunTimeout == null || dryRunTimeout.isZero() || dryRunTimeout.isNegative()) {
        problems.add("dryRunTimeout must be positive, e.g. Duration.ofSeconds(5)");
      }
      if (answerUrl != null && !answerUrl.isEmpty()) {
        String probe = answerUrl.replace("{id}", "apr-0");
        URI u = null;
        try {
          u = URI.create(probe);
        } catch (IllegalArgumentException bad) {
          // reported below
        }
        if (u == null || !u.isAbsolute() || u.getHost() == null || !(u.getScheme().equals("https") || u.getScheme().equals("http"))) {
          problems.add("answerUrl must be an absolute http(s) URL template such as https://ops.example/approvals/{id}, got " + answerUrl);
        }
      }
      if (!problems.isEmpty()) {
        throw new IllegalStateException("invalid KubernetesApprover configuration: " + String.join("; ", problems));
      }
      return new KubernetesApprover(this);
    }
  }
}
