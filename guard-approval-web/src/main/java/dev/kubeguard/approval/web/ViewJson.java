package dev.kubeguard.approval.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubeguard.approval.kubernetes.PendingApproval;
import java.util.List;

/**
 * The JSON of the API: a {@link PendingApproval} as an object with the record's field names,
 * instants as ISO-8601 text and the state as its name; answers and errors in the contract's
 * shapes. Stateless; thread-safe.
 */
final class ViewJson {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private ViewJson() {}

  static ObjectNode view(PendingApproval p) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("id", p.id());
    o.put("namespace", p.namespace());
    o.put("state", p.state().name());
    o.put("requester", p.requester());
    strings(o.putArray("requesterGroups"), p.requesterGroups());
    o.put("verb", p.verb());
    o.put("apiGroup", p.apiGroup());
    o.put("resource", p.resource());
    o.put("subresource", p.subresource());
    o.put("objectNamespace", p.objectNamespace());
    o.put("objectName", p.objectName());
    o.put("method", p.method());
    o.put("path", p.path());
    o.put("reason", p.reason());
    strings(o.putArray("approverGroups"), p.approverGroups());
    o.put("approvalsNeeded", p.approvalsNeeded());
    o.put("requestedAt", p.requestedAt().toString());
    o.put("expiresAt", p.expiresAt().toString());
    o.put("maskedBody", p.maskedBody());
    o.put("diff", p.diff());
    o.put("diffNote", p.diffNote());
    o.put("answerUrl", p.answerUrl());
    ArrayNode answers = o.putArray("answers");
    for (PendingApproval.Answer a : p.answers()) {
      ObjectNode x = answers.addObject();
      x.put("user", a.user());
      x.put("approved", a.approved());
      x.put("comment", a.comment());
      x.put("at", a.at().toString());
    }
    return o;
  }

  static String list(List<PendingApproval> items) {
    ObjectNode o = MAPPER.createObjectNode();
    ArrayNode a = o.putArray("items");
    items.forEach(p -> a.add(view(p)));
    return write(o);
  }

  static String answered(Answers.Result r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("id", r.id());
    o.put("state", r.state().name());
    o.put("answeredBy", r.answeredBy());
    return write(o);
  }

  static String message(String message) {
    return write(MAPPER.createObjectNode().put("message", message));
  }

  static String write(ObjectNode o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings always serializes", e);
    }
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }
}
