package dev.kubeguard.approval.kubernetes;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.ApprovalOutcome;
import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.ApprovalRequirement;
import dev.kubeguard.api.Identity;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ApprovalRequest custom resource ({@code approvalrequests.kubeguard.dev/v1alpha1}): how a
 * held request is written into the cluster and read back. Holds no credential, no query and no
 * request content but what the Guard's masker let through ({@code spec.view}: the masked body,
 * the masked dry-run diff). Stateless helpers; thread-safe.
 */
final class ApprovalObject {

  static final String GROUP = "kubeguard.dev";
  static final String VERSION = "v1alpha1";
  static final String PLURAL = "approvalrequests";
  static final String KIND = "ApprovalRequest";
  static final String DIGEST_LABEL = "kubeguard.dev/digest";
  static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
      .withGroup(GROUP).withVersion(VERSION).withPlural(PLURAL).withKind(KIND).withNamespaced(true).build();

  private ApprovalObject() {}

  /** The label value that finds the objects of one digest (labels hold at most 63 characters). */
  static String digestLabel(String digest) {
    return digest.substring(0, 63);
  }

  static GenericKubernetesResource of(ApprovalRequest r, String namespace) {
    return of(r, namespace, ApprovalView.note(RequestPreview.NO_MASKER), "");
  }

  /**
   * The object holding {@code r}, with what approvers see ({@code spec.view}, already masked) and
   * where they answer ({@code spec.answerUrl}, {@code ""} for nowhere named).
   */
  static GenericKubernetesResource of(ApprovalRequest r, String namespace, ApprovalView view, String answerUrl) {
    AccessRequest q = r.request();
    Identity who = q.identity();
    ApprovalRequirement req = r.requirement();
    Map<String, Object> requester = new LinkedHashMap<>();
    requester.put("user", who.user());
    requester.put("uid", who.uid());
    requester.put("groups", new ArrayList<>(who.groups()));
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("method", q.request() == null ? "" : q.request().method());
    request.put("path", q.request() == null ? "" : q.request().rawPath());
    request.put("verb", q.attributes().verb());
    request.put("apiGroup", q.attributes().apiGroup());
    request.put("resource", q.attributes().resource());
    request.put("subresource", q.attributes().subresource());
    request.put("namespace", q.attributes().namespace());
    request.put("name", q.attributes().name());
    request.put("ruleId", r.decision().ruleId());
    request.put("reason", r.decision().reason());
    Map<String, Object> approval = new LinkedHashMap<>();
    approval.put("approverGroups", new ArrayList<>(req.approverGroups()));
    approval.put("count", req.count());
    approval.put("reuseWindowSeconds", req.reuseWindow().toSeconds());
    approval.put("mode", req.mode().name());
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("digest", r.digest());
    spec.put("requester", requester);
    spec.put("request", request);
    spec.put("approval", approval);
    spec.put("requestedAt", r.requestedAt().toString());
    spec.put("expiresAt", r.expiresAt().toString());
    spec.put("view", view.toMap());
    spec.put("answerUrl", answerUrl == null ? "" : answerUrl);
    GenericKubernetesResource o = new GenericKubernetesResource();
    o.setApiVersion(GROUP + "/" + VERSION);
    o.setKind(KIND);
    o.setMetadata(new ObjectMetaBuilder().withName(r.id()).withNamespace(namespace)
        .withLabels(Map.of(DIGEST_LABEL, digestLabel(r.digest()))).build());
    o.setAdditionalProperty("spec", spec);
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("used", false);
    status.put("answers", new ArrayList<>());
    o.setAdditionalProperty("status", status);
    return o;
  }

  static Map<?, ?> spec(GenericKubernetesResource o) {
    return o.getAdditionalProperties().get("spec") instanceof Map<?, ?> m ? m : Map.of();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> status(GenericKubernetesResource o) {
    Object s = o.getAdditionalProperties().get("status");
    if (s instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    Map<String, Object> fresh = new LinkedHashMap<>();
    o.setAdditionalProperty("status", fresh);
    return fresh;
  }

  static String digest(GenericKubernetesResource o) {
    return String.valueOf(spec(o).get("digest"));
  }

  static Instant expiresAt(GenericKubernetesResource o) {
    try {
      return Instant.parse(String.valueOf(spec(o).get("expiresAt")));
    } catch (RuntimeException malformed) {
      return Instant.EPOCH; // unreadable expiry: treated as long expired
    }
  }

  static boolean used(GenericKubernetesResource o) {
    return Boolean.TRUE.equals(status(o).get("used"));
  }

  static Identity requester(GenericKubernetesResource o) {
    Map<?, ?> r = spec(o).get("requester") instanceof Map<?, ?> m ? m : Map.of();
    List<String> groups = new ArrayList<>();
    if (r.get("groups") instanceof List<?> gs) {
      gs.forEach(g -> groups.add(String.valueOf(g)));
    }
    return new Identity(String.valueOf(r.get("user")), r.get("uid") == null ? "" : String.valueOf(r.get("uid")),
        groups, Map.of(), "");
  }

  static ApprovalRequirement requirement(GenericKubernetesResource o) {
    Map<?, ?> a = spec(o).get("approval") instanceof Map<?, ?> m ? m : Map.of();
    List<String> groups = new ArrayList<>();
    if (a.get("approverGroups") instanceof List<?> gs) {
      gs.forEach(g -> groups.add(String.valueOf(g)));
    }
    int count = a.get("count") instanceof Number n ? n.intValue() : Integer.MAX_VALUE;
    long window = a.get("reuseWindowSeconds") instanceof Number n ? n.longValue() : 0;
    return new ApprovalRequirement(groups, Math.max(1, count), Duration.ofDays(3650), null, Duration.ofSeconds(window));
  }

  static List<ObjectAnswer> answers(GenericKubernetesResource o) {
    List<ObjectAnswer> out = new ArrayList<>();
    if (status(o).get("answers") instanceof List<?> list) {
      for (Object item : list) {
        ObjectAnswer a = ObjectAnswer.fromMap(item);
        if (a != null) {
          out.add(a);
        }
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static void addAnswer(GenericKubernetesResource o, ObjectAnswer a) {
    Map<String, Object> status = status(o);
    List<Object> answers = status.get("answers") instanceof List<?> l ? new ArrayList<>((List<Object>) l) : new ArrayList<>();
    answers.add(a.toMap());
    status.put("answers", answers);
  }

  /**
   * The outcome the sealed answers add up to, or {@code null} while it is still open. Answers
   * whose seal does not verify count for nothing; a verified denial ends it.
   */
  static ApprovalOutcome outcome(GenericKubernetesResource o, AnswerSeal seal) {
    String name = o.getMetadata().getName();
    String uid = o.getMetadata().getUid() == null ? "" : o.getMetadata().getUid();
    String digest = digest(o);
    ApprovalRequirement req = requirement(o);
    Set<String> approvers = new LinkedHashSet<>();
    List<Identity> identities = new ArrayList<>();
    Instant last = null;
    String comment = "";
    for (ObjectAnswer a : answers(o)) {
      if (!seal.verifies(uid, name, digest, a)) {
        continue;
      }
      if (a.verdict().equals(ObjectAnswer.DENIED)) {
        return new ApprovalOutcome(ApprovalOutcome.Status.DENIED, name, List.of(a.identity()), a.comment(), a.decidedAt());
      }
      if (a.verdict().equals(ObjectAnswer.APPROVED) && approvers.add(a.user())) {
        identities.add(a.identity());
        last = a.decidedAt();
        comment = a.comment();
      }
    }
    if (approvers.size() >= req.count()) {
      return new ApprovalOutcome(ApprovalOutcome.Status.APPROVED, name, identities, comment, last);
    }
    return null;
  }

  /** Whether the object can no longer let anything through nor tell a retry anything new. */
  static boolean dead(GenericKubernetesResource o, AnswerSeal seal, Instant now) {
    if (used(o)) {
      return true;
    }
    ApprovalOutcome out = outcome(o, seal);
    Instant expires = expiresAt(o);
    if (out != null && out.status() == ApprovalOutcome.Status.APPROVED) {
      Duration window = requirement(o).reuseWindow();
      return window.isZero() ? !now.isBefore(expires) : !now.isBefore(out.decidedAt().plus(window));
    }
    return !now.isBefore(expires);
  }
}
