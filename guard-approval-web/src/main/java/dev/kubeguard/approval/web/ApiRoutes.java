package dev.kubeguard.approval.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubeguard.approval.kubernetes.KubernetesApprover;
import dev.kubeguard.approval.kubernetes.PendingApproval;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The JSON API under {@code {base}/api/approvals}: list, show, approve, deny. Callers sign every
 * request with {@code Authorization: Bearer <their token>}; cookies are never read here, so a
 * page on another site cannot make a signed-in browser answer. Thread-safe.
 *
 * <p>Statuses: 200; 400 bad input; 401 no or invalid token; 403 the token's user may not see
 * approvals, or the answer was refused (message says why); 404 unknown id; 405 wrong method;
 * 409 no longer pending. Every error body is {@code {"message":"..."}}.
 */
final class ApiRoutes {

  static final String PREFIX = "/api/approvals";

  private final KubernetesApprover approver;
  private final BearerProof proof;
  private final Answers answers;
  private final Clock clock;

  ApiRoutes(KubernetesApprover approver, BearerProof proof, Answers answers, Clock clock) {
    this.approver = approver;
    this.proof = proof;
    this.answers = answers;
    this.clock = clock;
  }

  WebResponse handle(WebRequest req) {
    Instant received = clock.instant();
    String rest = req.path().substring(PREFIX.length());
    String[] parts = rest.isEmpty() || rest.equals("/") ? new String[0] : rest.substring(1).split("/", -1);
    if (parts.length == 0) {
      if (!req.method().equals("GET")) {
        return error(405, "use GET on " + req.base() + PREFIX);
      }
      Viewer viewer;
      try {
        viewer = proof.prove(bearer(req));
      } catch (SignInRefusedException e) {
        return error(e.status, e.getMessage());
      }
      List<PendingApproval> visible = approver.list().stream().filter(viewer::maySee).toList();
      return WebResponse.json(200, ViewJson.list(visible));
    }
    String id = parts[0];
    if (parts.length == 1) {
      if (!req.method().equals("GET")) {
        return error(405, "use GET on " + req.base() + PREFIX + "/{id}");
      }
      if (!Ids.valid(id)) {
        return error(400, Ids.problem());
      }
      Viewer viewer;
      try {
        viewer = proof.prove(bearer(req));
      } catch (SignInRefusedException e) {
        return error(e.status, e.getMessage());
      }
      Optional<PendingApproval> p = approver.find(id).filter(viewer::maySee);
      return p.map(x -> WebResponse.json(200, ViewJson.write(ViewJson.view(x))))
          .orElseGet(() -> error(404, "no approval " + id + " in namespace " + approver.namespace()));
    }
    if (parts.length == 2 && (parts[1].equals("approve") || parts[1].equals("deny"))) {
      if (!req.method().equals("POST")) {
        return error(405, "use POST on " + req.base() + PREFIX + "/{id}/" + parts[1]);
      }
      return answer(req, id, parts[1].equals("approve"), received);
    }
    return error(404, "no such API path: " + req.base() + req.path());
  }

  private WebResponse answer(WebRequest req, String id, boolean approve, Instant received) {
    String field = approve ? "comment" : "reason";
    AnswerAudit.Answer unproven = new AnswerAudit.Answer(null, Ids.valid(id) ? id : "", approve, "", "api", req, received);
    Viewer viewer;
    try {
      viewer = proof.prove(bearer(req));
    } catch (SignInRefusedException e) {
      return result(answers.refuse(unproven, e.status, e.getMessage()));
    }
    AnswerAudit.Answer asked = new AnswerAudit.Answer(viewer.identity(), unproven.approvalId(), approve, "", "api", req, received);
    if (!Ids.valid(id)) {
      return result(answers.refuse(asked, 400, Ids.problem()));
    }
    String text;
    try {
      text = text(req, field);
    } catch (IllegalArgumentException bad) {
      return result(answers.refuse(asked, 400, bad.getMessage()));
    }
    AnswerAudit.Answer a = new AnswerAudit.Answer(viewer.identity(), id, approve, text, "api", req, received);
    if (!approve && text.isBlank()) {
      return result(answers.refuse(a, 400, "a denial needs a reason: send {\"reason\":\"...\"}"));
    }
    return result(answers.answer(viewer, bearer(req), a));
  }

  private static WebResponse result(Answers.Result r) {
    return r.accepted() ? WebResponse.json(200, ViewJson.answered(r)) : error(r.status(), r.message());
  }

  /** The one text field an answer body may hold; an empty body is {@code {}}. */
  private static String text(WebRequest req, String field) {
    if (req.bodyTooLarge()) {
      throw new IllegalArgumentException("the body is larger than " + ApprovalWeb.MAX_BODY_BYTES + " bytes");
    }
    if (req.body().length == 0) {
      return "";
    }
    JsonNode body;
    try {
      body = ViewJson.MAPPER.readTree(req.body());
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not JSON: send {\"" + field + "\":\"...\"}");
    }
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object: {\"" + field + "\":\"...\"}");
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals(field)) {
        throw new IllegalArgumentException("unknown field \"" + name + "\": this answer takes only \"" + field + "\"");
      }
    }
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException("\"" + field + "\" must be a string");
    }
    if (v.asText().length() > AnswerAudit.MAX_COMMENT_CHARS) {
      throw new IllegalArgumentException("\"" + field + "\" is longer than " + AnswerAudit.MAX_COMMENT_CHARS + " characters");
    }
    return v.asText();
  }

  private static String bearer(WebRequest req) {
    String h = req.header("Authorization");
    return h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : "";
  }

  static WebResponse error(int status, String message) {
    return WebResponse.json(status, ViewJson.message(message));
  }
}
