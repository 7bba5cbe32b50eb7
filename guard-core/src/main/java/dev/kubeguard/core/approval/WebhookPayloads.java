package dev.kubeguard.core.approval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubeguard.api.ApprovalNotice;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bodies {@link WebhookNotifier} posts: a notice as plain JSON, or as a Slack incoming-webhook
 * message ({@code text} plus {@code blocks}). Built only from the notice's fields, which are
 * already masked. Stateless and thread-safe.
 */
final class WebhookPayloads {

  /** Slack refuses a section text over 3000 characters and a header over 150. */
  static final int SLACK_SECTION_LIMIT = 3000;
  private static final int SLACK_HEADER_LIMIT = 150;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private WebhookPayloads() {}

  static byte[] json(ApprovalNotice n) {
    ObjectNode o = NODES.objectNode();
    o.put("id", n.id());
    o.put("requester", n.requester());
    o.set("requesterGroups", strings(n.requesterGroups()));
    o.put("verb", n.verb());
    o.put("apiGroup", n.apiGroup());
    o.put("resource", n.resource());
    o.put("subresource", n.subresource());
    o.put("namespace", n.namespace());
    o.put("name", n.name());
    o.put("reason", n.reason());
    o.set("approverGroups", strings(n.approverGroups()));
    o.put("approvalsNeeded", n.approvalsNeeded());
    o.put("requestedAt", n.requestedAt().toString());
    o.put("expiresAt", n.expiresAt().toString());
    o.put("answerUrl", n.answerUrl());
    o.put("whereToAnswer", n.whereToAnswer());
    o.put("maskedBody", n.maskedBody());
    o.put("diff", n.diff());
    o.put("diffNote", n.diffNote());
    return write(o);
  }

  static byte[] slack(ApprovalNotice n) {
    String what = n.verb() + " " + target(n);
    ObjectNode o = NODES.objectNode();
    // Shown in notifications and where blocks cannot be rendered.
    o.put("text", "KubeGuard approval " + n.id() + ": " + n.requester() + " asks to " + what
        + (n.namespace().isEmpty() ? "" : " in namespace " + n.namespace()));
    ArrayNode blocks = o.putArray("blocks");
    blocks.addObject().put("type", "header").set("text", plain(cut("Approval needed: " + n.id(), SLACK_HEADER_LIMIT)));
    ObjectNode facts = blocks.addObject().put("type", "section");
    ArrayNode fields = facts.putArray("fields");
    fields.add(mrkdwn("*Who asks*\n" + escape(n.requester())));
    fields.add(mrkdwn("*What*\n" + escape(what)));
    fields.add(mrkdwn("*Namespace*\n" + escape(n.namespace().isEmpty() ? "(cluster-scoped)" : n.namespace())));
    fields.add(mrkdwn("*Expires*\n" + escape(n.expiresAt().toString())));
    fields.add(mrkdwn("*Who may approve*\n" + escape(approvers(n))));
    blocks.addObject().put("type", "section").set("text", mrkdwn(cut("*Why it is held*\n" + escape(n.reason()), SLACK_SECTION_LIMIT)));
    blocks.addObject().put("type", "section").set("text", mrkdwn(change(n)));
    blocks.addObject().put("type", "section").set("text", mrkdwn(cut("*Where to answer*\n" + where(n), SLACK_SECTION_LIMIT)));
    return write(o);
  }

  private static String target(ApprovalNotice n) {
    String resource = n.apiGroup().isEmpty() ? n.combinedResource() : n.combinedResource() + "." + n.apiGroup();
    return n.name().isEmpty() ? resource : resource + " " + n.name();
  }

  private static String approvers(ApprovalNotice n) {
    String who = n.approverGroups().isEmpty() ? "anyone allowed to approve" : "group " + String.join(" or ", n.approverGroups());
    return (n.approvalsNeeded() == 1 ? "1 person" : n.approvalsNeeded() + " people") + " in " + who
        + ", not " + n.requester();
  }

  // The diff when there is one, else the masked body, in a code block cut to Slack's limit.
  private static String change(ApprovalNotice n) {
    String title;
    String code;
    if (!n.diff().isEmpty()) {
      title = "*Change (live object → dry-run result, masked)*";
      code = n.diff();
    } else if (!n.maskedBody().isEmpty()) {
      title = "*Request body (masked)*" + (n.diffNote().isEmpty() ? "" : " — no diff: " + escape(n.diffNote()));
      code = n.maskedBody();
    } else {
      return "*Change*\n" + escape(n.diffNote().isEmpty() ? "no request body" : n.diffNote());
    }
    String fence = "```";
    int room = SLACK_SECTION_LIMIT - title.length() - 2 * fence.length() - 40;
    String body = escape(code).replace(fence, "`\u200b``");
    if (body.length() > room) {
      body = body.substring(0, Math.max(0, room)) + "\n… (cut; see the approval itself)";
    }
    return title + "\n" + fence + body + fence;
  }

  private static String where(ApprovalNotice n) {
    if (!n.answerUrl().isEmpty()) {
      String url = n.answerUrl().replace("|", "%7C").replace(">", "%3E").replace("<", "%3C");
      return "<" + url + "|Answer " + escape(n.id()) + ">" + (n.whereToAnswer().isEmpty() ? "" : "\n" + escape(n.whereToAnswer()));
    }
    return n.whereToAnswer().isEmpty() ? "on your approval surface (none is configured)" : escape(n.whereToAnswer());
  }

  // Slack reads &, < and > as control characters in mrkdwn and plain text alike.
  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  private static ObjectNode plain(String text) {
    return NODES.objectNode().put("type", "plain_text").put("text", text);
  }

  private static ObjectNode mrkdwn(String text) {
    return NODES.objectNode().put("type", "mrkdwn").put("text", text);
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode a = NODES.arrayNode();
    values.forEach(a::add);
    return a;
  }

  private static byte[] write(ObjectNode o) {
    try {
      return JSON.writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      // A tree of strings always serializes; keep the signature free of a checked exception.
      return o.toString().getBytes(StandardCharsets.UTF_8);
    }
  }
}
