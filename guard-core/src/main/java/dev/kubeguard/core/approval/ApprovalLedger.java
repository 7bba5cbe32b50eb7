package dev.kubeguard.core.approval;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.ApprovalMode;
import dev.kubeguard.api.ApprovalOutcome;
import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.Approver;
import dev.kubeguard.core.internal.Faults;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Holds approvals by request digest, so an approval lets through exactly the request it was
 * given for, once (or within the policy's reuse window), and never after it expires.
 *
 * <p>Thread-safe. One approval request per digest is in flight at a time; concurrent identical
 * requests share it, and only one of them may consume a single-use approval. The ledger is
 * bounded: past {@code maxEntries} live approvals, new ones are refused (a denial), so a caller
 * cannot grow memory without end by varying requests. Every failure (approver throws anything but a
 * JVM-fatal error, completes exceptionally, answers late, approves against the requirement) is a
 * denial.
 */
public final class ApprovalLedger {

  /** What became of a request that needed approval. */
  public record Result(Status status, String approvalId, String message, ApprovalOutcome outcome) {
    public enum Status { APPROVED, PENDING, DENIED }

    boolean approved() {
      return status == Status.APPROVED;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private final Approver approver;
  private final Approver asking;
  private final Duration blockingTimeout;
  private final Clock clock;
  private final int maxEntries;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();

  public ApprovalLedger(Approver approver, Duration blockingTimeout, Clock clock, int maxEntries) {
    this(approver, approver, blockingTimeout, clock, maxEntries);
  }

  /**
   * A ledger that asks through {@code asking} (the Guard's bounded wrapper of {@code approver})
   * and consults {@code approver} itself for ids, where to answer, and redeeming.
   */
  public ApprovalLedger(Approver approver, Approver asking, Duration blockingTimeout, Clock clock, int maxEntries) {
    this.approver = approver;
    this.asking = asking;
    this.blockingTimeout = Objects.requireNonNull(blockingTimeout);
    this.clock = Objects.requireNonNull(clock);
    this.maxEntries = maxEntries;
  }

  /**
   * Asks for (or looks up) the approval of {@code request}, which {@code decision} said needs
   * one. Blocks only in {@link ApprovalMode#BLOCKING}, at most the blocking timeout.
   */
  public Result approve(AccessRequest request, Decision decision, String digest) {
    if (approver == null) {
      return denied("", "approval required but no approver is configured");
    }
    if ((calls.incrementAndGet() & 0xff) == 0) {
      sweep();
    }
    ApprovalRequirement requirement = decision.obligations().approval();
    Instant now = clock.instant();
    Entry entry = entries.get(digest);
    if (entry != null && entry.unanswered() && !now.isBefore(entry.expiresAt)) {
      // Tell the retry its approval expired (whether or not the approver has reported the expiry
      // yet); only the next one asks afresh.
      entries.remove(digest, entry);
      ApprovalOutcome reported = entry.future.isDone() ? entry.future.getNow(null) : null;
      boolean plain = reported == null || reported.reason().isEmpty() || reported.reason().equals(ApprovalOutcome.expired(entry.id).reason());
      String why = plain ? " expired before anyone answered" : " expired: " + reported.reason();
      return denied(entry.id, "approval " + entry.id + why);
    }
    if (entry == null || entry.deadAt(now)) {
      if (entry != null) {
        entries.remove(digest, entry);
      }
      if (entries.size() >= maxEntries) {
        return denied("", "too many approvals outstanding; try again later");
      }
      String id;
      try {
        id = idFor(digest);
      } catch (RuntimeException badId) {
        return denied("", "the approver could not name an approval: " + badId.getMessage());
      }
      Entry fresh = new Entry(new ApprovalRequest(id, digest, request, decision, now, now.plus(requirement.ttl())));
      entry = entries.putIfAbsent(digest, fresh);
      if (entry == null) {
        entry = fresh;
        ask(fresh);
      }
    }
    return resolve(entry, digest, request.identity(), requirement);
  }

  private String idFor(String digest) {
    String id = approver.approvalId(digest);
    if (id == null) {
      return newId();
    }
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("approval id '" + id + "' is not 1-63 lower-case letters, digits and '-'");
    }
    return id;
  }

  private void ask(Entry e) {
    try {
      asking.requestApproval(e.request).whenComplete((o, t) -> {
        if (t != null) {
          e.future.completeExceptionally(t);
        } else {
          e.future.complete(o);
        }
      });
    } catch (Throwable t) {
      // An approver throwing anything, an AssertionError included, is a denial; only the JVM's
      // own fatal errors (a StackOverflowError aside, as for policies) must not be swallowed.
      Faults.rethrowIfFatal(t);
      e.future.completeExceptionally(t);
    }
  }

  /** Lets the approver complete an answer it already knows of (see {@link Approver#refresh}). */
  private void refresh(Entry e) {
    try {
      approver.refresh(e.request);
    } catch (Throwable t) {
      Faults.rethrowIfFatal(t);
      // an optimisation only: the request stays pending, which is a denial
    }
  }

  private Result resolve(Entry e, String digest, Identity requester, ApprovalRequirement req) {
    if (req.mode() == ApprovalMode.BLOCKING && !e.future.isDone()) {
      long waitMs = Math.min(blockingTimeout.toMillis(), Duration.between(clock.instant(), e.expiresAt).toMillis());
      try {
        e.future.get(Math.max(0, waitMs), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException ignored) {
        // judged below from the future's state
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return denied(e.id, "interrupted while waiting for approval " + e.id);
      }
    }
    Instant now = clock.instant();
    if (!e.future.isDone()) {
      refresh(e);
    }
    if (!e.future.isDone()) {
      if (!now.isBefore(e.expiresAt)) {
        entries.remove(digest, e);
        return denied(e.id, "approval " + e.id + " expired before anyone answered");
      }
      return new Result(Result.Status.PENDING, e.id, PendingNotice.of(e.request, where(e.request)), null);
    }
    ApprovalOutcome outcome;
    try {
      outcome = e.future.join();
    } catch (RuntimeException failed) {
      return denied(e.id, "approval " + e.id + " failed: the approver reported an error");
    }
    if (outcome != null && outcome.status() == ApprovalOutcome.Status.EXPIRED) {
      // Expired (or withdrawn) can no longer be answered: the next retry asks afresh.
      entries.remove(digest, e);
    }
    if (outcome == null || outcome.status() != ApprovalOutcome.Status.APPROVED) {
      String status = outcome == null ? "no answer" : outcome.status().name().toLowerCase(java.util.Locale.ROOT);
      String why = outcome == null || outcome.reason().isEmpty() ? "" : ": " + outcome.reason();
      return denied(e.id, "approval " + e.id + " " + status + why);
    }
    // An answer the policy does not accept must not hold the request hostage until expiry: it
    // is dropped, so the next retry asks afresh and a real approver can still approve it.
    if (!e.id.equals(outcome.approvalId())) {
      entries.remove(digest, e);
      return denied(e.id, "approval " + e.id + " was answered with an outcome for " + outcome.approvalId()
          + "; the answer was discarded and the next retry asks again");
    }
    String unmet = unmet(outcome, requester, req, e.id);
    if (unmet != null) {
      entries.remove(digest, e);
      return denied(e.id, "approval " + e.id + " does not meet the policy: " + unmet
          + "; the answer was discarded and the next retry asks again");
    }
    if (req.reusable()) {
      if (now.isBefore(outcome.decidedAt().plus(req.reuseWindow())) && now.isBefore(e.expiresAt.plus(req.reuseWindow()))) {
        return new Result(Result.Status.APPROVED, e.id, "approved", outcome);
      }
      entries.remove(digest, e);
      return denied(e.id, "approval " + e.id + " window has ended");
    }
    if (!now.isBefore(e.expiresAt)) {
      entries.remove(digest, e);
      return denied(e.id, "approval " + e.id + " expired before it was used");
    }
    if (!e.consumed.compareAndSet(false, true)) {
      return denied(e.id, "approval " + e.id + " was already used");
    }
    entries.remove(digest, e);
    boolean redeemed;
    try {
      redeemed = approver.redeem(e.request, outcome);
    } catch (RuntimeException failed) {
      return denied(e.id, "approval " + e.id + " could not be redeemed: " + failed.getMessage());
    }
    if (!redeemed) {
      return denied(e.id, "approval " + e.id + " was already used");
    }
    return new Result(Result.Status.APPROVED, e.id, "approved", outcome);
  }

  private String where(ApprovalRequest request) {
    try {
      return Objects.requireNonNullElse(approver.whereToAnswer(request), "");
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** Why an APPROVED outcome does not satisfy the requirement, or null when it does. */
  static String unmet(ApprovalOutcome o, Identity requester, ApprovalRequirement req, String approvalId) {
    Set<String> counted = new HashSet<>();
    for (Identity approver : o.approvers()) {
      String why = ApproverEligibility.whyNot(approver, requester, req, approvalId);
      if (why != null) {
        return why;
      }
      counted.add(approver.user());
    }
    if (counted.size() < req.count()) {
      return "needs " + req.count() + " distinct approver(s), got " + counted.size();
    }
    return null;
  }

  private void sweep() {
    Instant now = clock.instant();
    entries.entrySet().removeIf(en -> en.getValue().deadAt(now));
  }

  private static Result denied(String id, String message) {
    return new Result(Result.Status.DENIED, id, message, null);
  }

  private static String newId() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return "apr-" + HexFormat.of().formatHex(b);
  }

  private static final class Entry {
    final ApprovalRequest request;
    final String id;
    final Instant expiresAt;
    final CompletableFuture<ApprovalOutcome> future = new CompletableFuture<>();
    final Duration reuseWindow;
    final AtomicBoolean consumed = new AtomicBoolean();

    Entry(ApprovalRequest request) {
      this.request = request;
      this.id = request.id();
      this.expiresAt = request.expiresAt();
      this.reuseWindow = request.requirement().reuseWindow();
    }

    /** Nobody answered: still waiting, or the approver reported it expired. */
    boolean unanswered() {
      if (!future.isDone()) {
        return true;
      }
      if (future.isCompletedExceptionally()) {
        return false;
      }
      ApprovalOutcome o = future.getNow(null);
      return o != null && o.status() == ApprovalOutcome.Status.EXPIRED && !consumed.get();
    }

    // An entry stays while it can still change an answer: pending until expiry, a refusal until
    // expiry (so a retry is told, not re-asked), an approval until its window closes.
    boolean deadAt(Instant now) {
      if (consumed.get()) {
        return true;
      }
      if (!future.isDone()) {
        return !now.isBefore(expiresAt);
      }
      return !now.isBefore(expiresAt.plus(reuseWindow));
    }
  }
}
