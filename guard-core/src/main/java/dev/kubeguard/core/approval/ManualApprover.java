package dev.kubeguard.core.approval;

import dev.kubeguard.api.ApprovalNotice;
import dev.kubeguard.api.ApprovalOutcome;
import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.ApprovalNotifier;
import dev.kubeguard.api.spi.Approver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link Approver} driven by people through your own surface (an admin endpoint, a chat bot,
 * a CLI): held requests are listed by {@link #pending()}, and {@link #approve} / {@link #deny}
 * answer them by approval id with the verified identity of whoever answered.
 *
 * <p>An approval completes once enough distinct approvers (the requirement's count) have
 * approved; a single denial ends it. An answer from someone who may not give it (the requester,
 * or anyone outside the requirement's approver groups; see {@link ApproverEligibility}) is
 * refused when it is given and changes nothing: the request stays pending for a real approver.
 * The Guard checks count, groups and self-approval again before anything passes.
 *
 * <p>Thread-safe. {@link #requestApproval} never blocks; listeners run on the calling thread and
 * must be quick (hand off to your own executor). Requests past their expiry are answered
 * {@code EXPIRED} when next touched.
 */
public final class ManualApprover implements Approver {

  private static final Logger LOG = LoggerFactory.getLogger(ManualApprover.class);
  private static final Pattern URL = Pattern.compile("https?://\\S+");

  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final List<Consumer<ApprovalRequest>> listeners = new ArrayList<>();
  private volatile String where = "";
  private volatile ApprovalNotifier notifier;

  /**
   * Tells requesters where approvers answer (your admin page, a chat command), in the 403 of a
   * pending request; {@code {id}} is replaced by the approval id, e.g.
   * {@code "https://ops.example/approvals/{id}"}. Configure before use.
   */
  public ManualApprover answeredAt(String where) {
    this.where = Objects.requireNonNull(where, "where");
    return this;
  }

  @Override
  public String whereToAnswer(ApprovalRequest request) {
    return where;
  }

  /** Calls {@code listener} for every new request held (to notify approvers). Configure before use. */
  public ManualApprover onRequest(Consumer<ApprovalRequest> listener) {
    listeners.add(Objects.requireNonNull(listener));
    return this;
  }

  /**
   * Announces every new request held to {@code n} (a {@link WebhookNotifier}, a chat bot). The
   * notice names the request but carries no request content: this approver has no masker. A
   * notifier that throws changes nothing. Configure before use.
   */
  public ManualApprover notifier(ApprovalNotifier n) {
    this.notifier = Objects.requireNonNull(n, "notifier");
    return this;
  }

  @Override
  public CompletionStage<ApprovalOutcome> requestApproval(ApprovalRequest request) {
    Held h = new Held(request);
    held.put(request.id(), h);
    h.future.whenComplete((o, t) -> held.remove(request.id(), h));
    for (Consumer<ApprovalRequest> l : listeners) {
      l.accept(request);
    }
    announce(request);
    return h.future;
  }

  private void announce(ApprovalRequest request) {
    ApprovalNotifier n = notifier;
    if (n == null) {
      return;
    }
    String place = where.replace("{id}", request.id());
    String url = URL.matcher(place).matches() ? place : "";
    try {
      n.notify(ApprovalNotice.of(request, url, place, "", "",
          "ManualApprover shows no request content (it has no masker); see the request in your approval surface"));
    } catch (RuntimeException e) {
      // A notification is a courtesy: the request stays pending whatever the notifier does.
      LOG.warn("kubeguard: approval notifier failed for {}", request.id(), e);
    }
  }

  /** The requests waiting for an answer, oldest first. */
  public List<ApprovalRequest> pending() {
    expireOld();
    return held.values().stream()
        .map(h -> h.request)
        .sorted(java.util.Comparator.comparing(ApprovalRequest::requestedAt))
        .toList();
  }

  /**
   * Records {@code approver}'s approval of request {@code approvalId}.
   *
   * @return true when this approval completed the request (enough approvers), false when more are needed
   * @throws IllegalArgumentException for an unknown or expired id, or an approver who may not
   *     answer it (the requester, or someone in none of its approver groups); the request is then
   *     left exactly as it was
   */
  public boolean approve(String approvalId, Identity approver, String comment) {
    Held h = live(approvalId);
    refuseIneligible(approver, h);
    synchronized (h) {
      h.approvers.put(approver.user(), approver);
      if (h.approvers.size() >= h.request.requirement().count()) {
        return h.future.complete(ApprovalOutcome.approved(approvalId, List.copyOf(h.approvers.values()), comment));
      }
      return false;
    }
  }

  /**
   * Refuses request {@code approvalId}; one refusal ends it.
   *
   * @throws IllegalArgumentException as {@link #approve} does; a refused answer changes nothing
   */
  public void deny(String approvalId, Identity approver, String comment) {
    Held h = live(approvalId);
    refuseIneligible(approver, h);
    h.future.complete(ApprovalOutcome.denied(approvalId, List.of(approver), comment));
  }

  private static void refuseIneligible(Identity approver, Held h) {
    String why = ApproverEligibility.whyNot(approver, h.request);
    if (why != null) {
      throw new IllegalArgumentException("answer refused: " + why);
    }
  }

  private Held live(String approvalId) {
    expireOld();
    Held h = held.get(approvalId);
    if (h == null) {
      throw new IllegalArgumentException("no pending approval " + approvalId + " (unknown, answered or expired)");
    }
    return h;
  }

  private void expireOld() {
    java.time.Instant now = java.time.Instant.now();
    for (Held h : held.values()) {
      if (!now.isBefore(h.request.expiresAt())) {
        h.future.complete(ApprovalOutcome.expired(h.request.id()));
      }
    }
  }

  private static final class Held {
    final ApprovalRequest request;
    final CompletableFuture<ApprovalOutcome> future = new CompletableFuture<>();
    final Map<String, Identity> approvers = new LinkedHashMap<>();

    Held(ApprovalRequest request) {
      this.request = request;
    }
  }
}
