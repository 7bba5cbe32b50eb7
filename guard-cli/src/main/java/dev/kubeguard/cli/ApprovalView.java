package dev.kubeguard.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ApprovalRequest object ({@code approvalrequests.kubeguard.dev/v1alpha1}) as an approver
 * reads it: the fields and JSON shape of the approval server's view ({@code PendingApproval}), so
 * {@code -o json} here and the server's {@code GET .../api/approvals/{id}} print the same thing.
 *
 * <p>The state is read from the object as it stands. The CLI holds no answer key, so it cannot
 * verify the answers' seals: answers without a seal (never written by a replica) count for
 * nothing here, and the approval server's word on an answer is final. Missing or malformed fields
 * read as empty, never as an error (older objects have no {@code spec.view}). Immutable.
 */
record ApprovalView(String id, String namespace, State state, String requester, List<String> requesterGroups,
    String verb, String apiGroup, String resource, String subresource, String objectNamespace, String objectName,
    String method, String path, String reason, List<String> approverGroups, int approvalsNeeded,
    Instant requestedAt, Instant expiresAt, String maskedBody, String diff, String diffNote, String answerUrl,
    List<Answer> answers) {

  enum State { PENDING, APPROVED, DENIED, EXPIRED, USED }

  /** One recorded answer. */
  record Answer(String user, boolean approved, String comment, Instant at) {}

  ApprovalView {
    requesterGroups = List.copyOf(requesterGroups);
    approverGroups = List.copyOf(approverGroups);
    answers = List.copyOf(answers);
  }

  static ApprovalView read(GenericKubernetesResource o, Instant now) {
    Map<?, ?> spec = map(o.getAdditionalProperties().get("spec"));
    Map<?, ?> status = map(o.getAdditionalProperties().get("status"));
    Map<?, ?> requester = map(spec.get("requester"));
    Map<?, ?> request = map(spec.get("request"));
    Map<?, ?> approval = map(spec.get("approval"));
    Map<?, ?> view = map(spec.get("view"));
    int needed = approval.get("count") instanceof Number n ? Math.max(1, n.intValue()) : 1;
    long window = approval.get("reuseWindowSeconds") instanceof Number n ? Math.max(0, n.longValue()) : 0;
    Instant requested = instant(spec.get("requestedAt"));
    // An unreadable expiry reads as long past, as the replicas read it.
    Instant expires = instant(spec.get("expiresAt"));
    List<Answer> answers = new ArrayList<>();
    if (status.get("answers") instanceof List<?> list) {
      for (Object item : list) {
        Map<?, ?> a = map(item);
        Instant at = instant(a.get("decidedAt"));
        String verdict = str(a.get("verdict"));
        if (str(a.get("seal")).isEmpty() || at.equals(Instant.EPOCH)
            || !(verdict.equals("Approved") || verdict.equals("Denied"))) {
          continue;
        }
        answers.add(new Answer(str(a.get("user")), verdict.equals("Approved"), str(a.get("comment")), at));
      }
    }
    State state = state(Boolean.TRUE.equals(status.get("used")), answers, needed, window, expires, now);
    return new ApprovalView(
        o.getMetadata() == null ? "" : str(o.getMetadata().getName()),
        o.getMetadata() == null ? "" : str(o.getMetadata().getNamespace()),
        state, str(requester.get("user")), strings(requester.get("groups")),
        str(request.get("verb")), str(request.get("apiGroup")), str(request.get("resource")),
        str(request.get("subresource")), str(request.get("namespace")), str(request.get("name")),
        str(request.get("method")), str(request.get("path")), str(request.get("reason")),
        strings(approval.get("approverGroups")), needed, requested, expires,
        str(view.get("maskedBody")), str(view.get("diff")), str(view.get("diffNote")), str(spec.get("answerUrl")),
        answers);
  }

  // The same order of precedence as the replicas: used ends everything, a denial ends it, an
  // approval lasts to the expiry (or its reuse window), an open request to its expiry.
  private static State state(boolean used, List<Answer> answers, int needed, long windowSeconds, Instant expires,
      Instant now) {
    if (used) {
      return State.USED;
    }
    Set<String> approvers = new LinkedHashSet<>();
    Instant last = null;
    for (Answer a : answers) {
      if (!a.approved()) {
        return State.DENIED;
      }
      if (approvers.add(a.user())) {
        last = a.at();
      }
    }
    if (approvers.size() >= needed) {
      Instant end = windowSeconds == 0 ? expires : last.plusSeconds(windowSeconds);
      return now.isBefore(end) ? State.APPROVED : State.EXPIRED;
    }
    return now.isBefore(expires) ? State.PENDING : State.EXPIRED;
  }

  /** This view as JSON, in the approval server's shape: its field names, instants ISO-8601. */
  ObjectNode toJson(ObjectMapper json) {
    ObjectNode n = json.createObjectNode();
    n.put("id", id);
    n.put("namespace", namespace);
    n.put("state", state.name());
    n.put("requester", requester);
    ArrayNode rg = n.putArray("requesterGroups");
    requesterGroups.forEach(rg::add);
    n.put("verb", verb);
    n.put("apiGroup", apiGroup);
    n.put("resource", resource);
    n.put("subresource", subresource);
    n.put("objectNamespace", objectNamespace);
    n.put("objectName", objectName);
    n.put("method", method);
    n.put("path", path);
    n.put("reason", reason);
    ArrayNode ag = n.putArray("approverGroups");
    approverGroups.forEach(ag::add);
    n.put("approvalsNeeded", approvalsNeeded);
    n.put("requestedAt", requestedAt.toString());
    n.put("expiresAt", expiresAt.toString());
    n.put("maskedBody", maskedBody);
    n.put("diff", diff);
    n.put("diffNote", diffNote);
    n.put("answerUrl", answerUrl);
    ArrayNode as = n.putArray("answers");
    for (Answer a : answers) {
      ObjectNode an = as.addObject();
      an.put("user", a.user());
      an.put("approved", a.approved());
      an.put("comment", a.comment());
      an.put("at", a.at().toString());
    }
    return n;
  }

  private static Map<?, ?> map(Object o) {
    return o instanceof Map<?, ?> m ? m : Map.of();
  }

  private static String str(Object o) {
    return o == null ? "" : String.valueOf(o);
  }

  private static List<String> strings(Object o) {
    List<String> out = new ArrayList<>();
    if (o instanceof List<?> l) {
      l.forEach(v -> out.add(str(v)));
    }
    return out;
  }

  private static Instant instant(Object o) {
    try {
      return Instant.parse(str(o));
    } catch (RuntimeException malformed) {
      return Instant.EPOCH;
    }
  }
}
