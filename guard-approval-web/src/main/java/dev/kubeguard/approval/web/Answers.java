package dev.kubeguard.approval.web;

import dev.kubeguard.api.Identity;
import dev.kubeguard.approval.kubernetes.AnswerRefusedException;
import dev.kubeguard.approval.kubernetes.KubernetesApprover;
import dev.kubeguard.approval.kubernetes.PendingApproval;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives one answer for the page and the API alike, and audits it: checks the approval exists,
 * the viewer may see it and it is still pending, then hands the answerer's own token to
 * {@link KubernetesApprover#answer}, which proves them again and decides. Thread-safe.
 *
 * <p>Failure: every refusal is a {@link Result} with the HTTP status and a message for the
 * answerer (never the token). When the audit event of an answer the cluster already holds cannot
 * be recorded, the result is a 500 saying so: the answer stands (the cluster cannot take it back)
 * but the answerer and the host's logs learn that its record is missing.
 */
final class Answers {

  private static final Logger LOG = LoggerFactory.getLogger(Answers.class);

  /** What became of an answer. {@code state} and {@code answeredBy} are set when it was accepted. */
  record Result(int status, String message, String id, PendingApproval.State state, String answeredBy) {
    boolean accepted() {
      return status == 200;
    }
  }

  private final KubernetesApprover approver;
  private final AnswerAudit audit;

  Answers(KubernetesApprover approver, AnswerAudit audit) {
    this.approver = approver;
    this.audit = audit;
  }

  /** An answer whose sender proved no one (or sent bad input): refused, and audited as such. */
  Result refuse(AnswerAudit.Answer a, int status, String message) {
    return audited(a, new Result(status, message, a.approvalId(), null, null));
  }

  /** Answers as {@code viewer}, with {@code token} (theirs) proving them to the approver again. */
  Result answer(Viewer viewer, String token, AnswerAudit.Answer a) {
    String id = a.approvalId();
    Optional<PendingApproval> seen = approver.find(id).filter(viewer::maySee);
    if (seen.isEmpty()) {
      return refuse(a, 404, "no approval " + id + " in namespace " + approver.namespace());
    }
    if (seen.get().state() != PendingApproval.State.PENDING) {
      return refuse(a, 409, "approval " + id + " is no longer pending: it is " + seen.get().state());
    }
    Identity who;
    try {
      who = approver.answer(id, token, a.approve(), a.comment());
    } catch (AnswerRefusedException e) {
      // Refused because someone else decided it meanwhile: that is a conflict, not a refusal of this person.
      PendingApproval now = approver.find(id).orElse(seen.get());
      int status = now.state() == PendingApproval.State.PENDING ? 403 : 409;
      return refuse(a, status, e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("kubeguard: an answer to approval {} failed: {}", id, e.getClass().getName());
      return refuse(a, 500, "the answer to " + id + " could not be given (" + e.getClass().getSimpleName() + "); nothing changed");
    }
    PendingApproval.State state = stateAfter(seen.get(), who.user(), a.approve());
    String verdict = a.approve() ? "approved" : "denied";
    AnswerAudit.Answer proven = new AnswerAudit.Answer(who, id, a.approve(), a.comment(), a.surface(), a.request(), a.received());
    return audited(proven, new Result(200, who.user() + " " + verdict + " " + id, id, state, who.user()));
  }

  // The informer may not have seen our own write yet: add this answer to what it last saw.
  private static PendingApproval.State stateAfter(PendingApproval before, String user, boolean approve) {
    if (!approve) {
      return PendingApproval.State.DENIED;
    }
    Set<String> approvers = new LinkedHashSet<>();
    before.answers().stream().filter(PendingApproval.Answer::approved).forEach(x -> approvers.add(x.user()));
    approvers.add(user);
    return approvers.size() >= before.approvalsNeeded() ? PendingApproval.State.APPROVED : PendingApproval.State.PENDING;
  }

  private Result audited(AnswerAudit.Answer a, Result r) {
    try {
      audit.record(a, r.status(), r.message(), r.accepted());
      return r;
    } catch (Exception e) {
      LOG.error("kubeguard: the audit event of an answer to approval {} ({}) could not be recorded: {}", a.approvalId(),
          r.accepted() ? "accepted" : "refused", e.getClass().getName());
      String what = r.accepted() ? "the answer was given, but " : "the answer was refused (" + r.message() + "), and ";
      return new Result(500, what + "its audit event could not be recorded; tell the administrator", a.approvalId(),
          r.state(), r.answeredBy());
    }
  }
}
