package dev.kubeguard.approval.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What an approver surface (web page, CLI, bot) shows of one held request: who asks, what, why
 * it is held, its state, what it would change (masked body and diff, written by the Guard before
 * the object was created) and the answers given so far. Holds no credential and no unmasked body.
 *
 * <p>Immutable and thread-safe. Absent or malformed fields read as {@code ""}, empty lists,
 * {@link Instant#EPOCH} or 0, never as an exception: a surface can always show an object, and an
 * unreadable expiry reads as long expired (so it is never shown as answerable).
 *
 * @param id the object's name, the approval id the 403 of the held request names
 * @param namespace where the ApprovalRequest object lives
 * @param requester the user whose request is held
 * @param objectNamespace the namespace of the object the held request is about ({@code ""} if cluster-scoped)
 * @param approvalsNeeded how many distinct approvers must approve
 * @param maskedBody the request body after masking, or {@code ""}
 * @param diff unified diff of the live object to the dry-run result, masked, or {@code ""}
 * @param diffNote why there is no diff, or {@code ""}
 * @param answerUrl where to answer, the id filled in, or {@code ""}
 * @param answers the answers as counted (see {@link #read})
 */
public record PendingApproval(String id, String namespace, State state, String requester, List<String> requesterGroups,
    String verb, String apiGroup, String resource, String subresource, String objectNamespace, String objectName,
    String method, String path, String reason, List<String> approverGroups, int approvalsNeeded,
    Instant requestedAt, Instant expiresAt, String maskedBody, String diff, String diffNote, String answerUrl,
    List<Answer> answers) {

  /** Where a held request stands. */
  public enum State {
    /** Waiting for answers. */
    PENDING,
    /** Approved and still usable. */
    APPROVED,
    /** Denied by an approver. */
    DENIED,
    /** Past its expiry (or its grant window) without being used. */
    EXPIRED,
    /** Approved and already used by the retry it was for. */
    USED
  }

  /** One answer: who gave it, approve or deny, their comment or reason, when. */
  public record Answer(String user, boolean approved, String comment, Instant at) {
    public Answer {
      Objects.requireNonNull(user, "user");
      comment = comment == null ? "" : comment;
      Objects.requireNonNull(at, "at");
    }
  }

  public PendingApproval {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    requesterGroups = List.copyOf(requesterGroups);
    approverGroups = List.copyOf(approverGroups);
    answers = List.copyOf(answers);
    Objects.requireNonNull(requestedAt, "requestedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /**
   * Reads an ApprovalRequest object as it is written, at time {@code now}. Without the replicas'
   * answer key this cannot tell a sealed answer from one typed in by hand, so answers and the
   * state derived from them are as <em>recorded</em>, not proven; {@link KubernetesApprover#list()}
   * and {@link KubernetesApprover#find(String)} count only sealed answers. Missing view fields
   * read as {@code ""}.
   */
  public static PendingApproval read(GenericKubernetesResource o, Instant now) {
    return read(o, now, ApprovalObject.answers(o));
  }

  /** As {@link #read(GenericKubernetesResource, Instant)}, counting only answers {@code seal} verifies. */
  static PendingApproval read(GenericKubernetesResource o, Instant now, AnswerSeal seal) {
    String uid = o.getMetadata().getUid() == null ? "" : o.getMetadata().getUid();
    String name = o.getMetadata().getName();
    String digest = ApprovalObject.digest(o);
    List<ObjectAnswer> sealed = new ArrayList<>();
    for (ObjectAnswer a : ApprovalObject.answers(o)) {
      if (seal.verifies(uid, name, digest, a)) {
        sealed.add(a);
      }
    }
    return read(o, now, sealed);
  }

  private static PendingApproval read(GenericKubernetesResource o, Instant now, List<ObjectAnswer> counted) {
    Map<?, ?> spec = ApprovalObject.spec(o);
    Map<?, ?> requester = map(spec.get("requester"));
    Map<?, ?> request = map(spec.get("request"));
    Map<?, ?> approval = map(spec.get("approval"));
    Map<?, ?> view = map(spec.get("view"));
    int needed = approval.get("count") instanceof Number n ? Math.max(1, n.intValue()) : 1;
    long windowSeconds = approval.get("reuseWindowSeconds") instanceof Number n ? n.longValue() : 0;
    Instant expires = ApprovalObject.expiresAt(o);
    List<Answer> answers = new ArrayList<>();
    for (ObjectAnswer a : counted) {
      if (!ObjectAnswer.APPROVED.equals(a.verdict()) && !ObjectAnswer.DENIED.equals(a.verdict())) {
        continue; // counts for nothing in ApprovalObject.outcome either
      }
      answers.add(new Answer(a.user(), ObjectAnswer.APPROVED.equals(a.verdict()), a.comment(), a.decidedAt()));
    }
    State state = state(ApprovalObject.used(o), answers, needed, expires, Duration.ofSeconds(Math.max(0, windowSeconds)), now);
    return new PendingApproval(o.getMetadata().getName(), nz(o.getMetadata().getNamespace()), state,
        str(requester, "user"), strings(requester.get("groups")),
        str(request, "verb"), str(request, "apiGroup"), str(request, "resource"), str(request, "subresource"),
        str(request, "namespace"), str(request, "name"), str(request, "method"), str(request, "path"),
        str(request, "reason"), strings(approval.get("approverGroups")), needed,
        instant(spec.get("requestedAt")), expires,
        str(view, "maskedBody"), str(view, "diff"), str(view, "diffNote"), str(spec, "answerUrl"), answers);
  }

  // The same arithmetic as ApprovalObject.outcome/dead, over the answers being counted.
  private static State state(boolean used, List<Answer> answers, int needed, Instant expires, Duration window, Instant now) {
    if (used) {
      return State.USED;
    }
    Set<String> approvers = new LinkedHashSet<>();
    Instant decided = null;
    for (Answer a : answers) {
      if (!a.approved()) {
        return State.DENIED;
      }
      if (approvers.add(a.user())) {
        decided = a.at();
      }
    }
    if (approvers.size() >= needed) {
      Instant end = window.isZero() ? expires : decided.plus(window);
      return now.isBefore(end) ? State.APPROVED : State.EXPIRED;
    }
    return now.isBefore(expires) ? State.PENDING : State.EXPIRED;
  }

  private static Map<?, ?> map(Object o) {
    return o instanceof Map<?, ?> m ? m : Map.of();
  }

  private static String str(Map<?, ?> m, String key) {
    Object v = m.get(key);
    return v == null ? "" : String.valueOf(v);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static List<String> strings(Object o) {
    List<String> out = new ArrayList<>();
    if (o instanceof List<?> list) {
      list.forEach(v -> out.add(String.valueOf(v)));
    }
    return out;
  }

  private static Instant instant(Object o) {
    try {
      return Instant.parse(String.valueOf(o));
    } catch (RuntimeException malformed) {
      return Instant.EPOCH;
    }
  }
}
