package dev.kubeguard.approval.web;

import static dev.kubeguard.approval.web.Html.text;

import dev.kubeguard.approval.kubernetes.PendingApproval;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The page's HTML: sign-in, the list, one request. Every value from an object, an identity or a
 * message is escaped with {@link Html#text}; the pages carry no script, no inline style and no
 * external asset (the stylesheet is served by the page itself), so the strict
 * Content-Security-Policy {@link ApprovalWeb} sends holds. Stateless; thread-safe.
 */
final class Pages {

  private Pages() {}

  static String layout(String base, String title, Sessions.Session s, String main) {
    return layout(base, title, s, main, "");
  }

  /** {@code head}: markup added to the head (built here, from escaped values only). */
  private static String layout(String base, String title, Sessions.Session s, String main, String head) {
    StringBuilder h = new StringBuilder(4096);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>").append(text(title)).append(" - KubeGuard approvals</title>").append(head)
        .append("<link rel=\"stylesheet\" href=\"").append(text(base)).append("/style.css\"></head><body>")
        .append("<header><a class=\"home\" href=\"").append(text(base)).append("/\">KubeGuard approvals</a>");
    if (s != null) {
      h.append("<form class=\"signout\" method=\"post\" action=\"").append(text(base)).append("/signout\">")
          .append("<span id=\"signed-in-as\">").append(text(s.viewer.identity().user())).append("</span> ")
          .append(csrf(s)).append("<button type=\"submit\" id=\"sign-out\">Sign out</button></form>");
    }
    h.append("</header><main>").append(main).append("</main></body></html>\n");
    return h.toString();
  }

  /** {@code oidcLabel}: the issuer to offer browser sign-in at, or {@code null} for none. */
  static String signIn(String base, String csrf, String next, String message, String oidcLabel) {
    StringBuilder m = new StringBuilder();
    m.append("<h1>Sign in</h1>");
    if (message != null) {
      m.append("<p class=\"error\" id=\"message\">").append(text(message)).append("</p>");
    }
    if (oidcLabel != null) {
      m.append("<p><a class=\"button\" id=\"sign-in-oidc\" href=\"").append(text(base)).append("/signin/oidc")
          .append(next.isEmpty() ? "" : "?next=" + text(URLEncoder.encode(next, StandardCharsets.UTF_8)))
          .append("\">Sign in with ").append(text(oidcLabel)).append("</a></p><p>Or paste a token.</p>");
    }
    m.append("<p>Sign in with your own bearer token: a Kubernetes token (for example from")
        .append(" <code>kubectl create token</code> or your kubeconfig) or an OIDC id token. It is kept on this")
        .append(" server only for this session and used to prove who answers.</p>")
        .append("<form method=\"post\" action=\"").append(text(base)).append("/signin\">")
        .append("<input type=\"hidden\" name=\"csrf\" value=\"").append(text(csrf)).append("\">")
        .append("<input type=\"hidden\" name=\"next\" value=\"").append(text(next)).append("\">")
        .append("<label for=\"token\">Token</label>")
        .append("<input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"off\" required>")
        .append("<button type=\"submit\" id=\"sign-in\">Sign in</button></form>");
    return layout(base, "Sign in", null, m.toString());
  }

  /**
   * The end of a browser sign-in at the issuer: a page of this site that moves on to {@code target}
   * itself, so the navigation there is same-site and the browser sends the new
   * {@code SameSite=Strict} session cookie (it would not on the issuer's redirect chain).
   */
  static String signedIn(String base, Sessions.Session s, String target) {
    String t = text(target);
    return layout(base, "Signed in", s, "<h1>Signed in</h1><p>You are signed in as <span id=\"signed-in-user\">"
        + text(s.viewer.identity().user()) + "</span>. <a id=\"continue\" href=\"" + t + "\">Continue</a></p>",
        "<meta http-equiv=\"refresh\" content=\"0;url=" + t + "\">");
  }

  static String list(String base, Sessions.Session s, List<PendingApproval> all) {
    List<PendingApproval> pending = all.stream().filter(p -> p.state() == PendingApproval.State.PENDING).toList();
    List<PendingApproval> closed = all.stream().filter(p -> p.state() != PendingApproval.State.PENDING).toList();
    StringBuilder m = new StringBuilder();
    m.append("<h1>Waiting for an answer</h1>");
    if (pending.isEmpty()) {
      m.append("<p id=\"none-pending\">Nothing is waiting for an answer.</p>");
    } else {
      m.append("<table id=\"pending\"><thead><tr><th>Approval</th><th>Who asks</th><th>What</th><th>Object</th>")
          .append("<th>Reason</th><th>Expires</th></tr></thead><tbody>");
      for (PendingApproval p : pending) {
        m.append("<tr><td>").append(link(base, p)).append("</td><td>").append(text(p.requester()))
            .append("</td><td>").append(text(what(p))).append("</td><td>").append(text(object(p)))
            .append("</td><td>").append(text(p.reason())).append("</td><td>").append(text(p.expiresAt().toString()))
            .append("</td></tr>");
      }
      m.append("</tbody></table>");
    }
    if (!closed.isEmpty()) {
      m.append("<h2>Answered or closed</h2><table id=\"closed\"><thead><tr><th>Approval</th><th>State</th>")
          .append("<th>Who asks</th><th>What</th><th>Object</th></tr></thead><tbody>");
      for (PendingApproval p : closed) {
        m.append("<tr><td>").append(link(base, p)).append("</td><td>").append(text(p.state().name()))
            .append("</td><td>").append(text(p.requester())).append("</td><td>").append(text(what(p)))
            .append("</td><td>").append(text(object(p))).append("</td></tr>");
      }
      m.append("</tbody></table>");
    }
    return layout(base, "Approvals", s, m.toString());
  }

  /**
   * One request. {@code message} (escaped) reports the answer just given or refused;
   * {@code stateNow} overrides the state read from the cache, which may not have seen that answer yet.
   */
  static String detail(String base, Sessions.Session s, PendingApproval p, String message, boolean refused,
      PendingApproval.State stateNow) {
    PendingApproval.State state = stateNow != null ? stateNow : p.state();
    StringBuilder m = new StringBuilder();
    m.append("<h1>Approval <span id=\"approval-id\">").append(text(p.id())).append("</span></h1>");
    if (message != null) {
      m.append("<p class=\"").append(refused ? "error" : "notice").append("\" id=\"message\">").append(text(message)).append("</p>");
    }
    m.append("<dl>");
    row(m, "state", "State", state.name());
    row(m, "requester", "Who asks", p.requester() + (p.requesterGroups().isEmpty() ? "" : " (groups: " + String.join(", ", p.requesterGroups()) + ")"));
    row(m, "what", "What", what(p));
    row(m, "object", "Object", object(p));
    row(m, "request", "Request", p.method() + " " + p.path());
    row(m, "reason", "Why it is held", p.reason());
    row(m, "approver-groups", "Who may approve", String.join(", ", p.approverGroups()) + " (" + p.approvalsNeeded() + " needed)");
    row(m, "requested-at", "Requested", p.requestedAt().toString());
    row(m, "expires-at", "Expires", p.expiresAt().toString());
    m.append("</dl>");
    m.append("<h2>Request body (masked)</h2>");
    if (p.maskedBody().isEmpty()) {
      m.append("<p id=\"no-body\">No request body.</p>");
    } else {
      m.append("<pre id=\"masked-body\">").append(text(p.maskedBody())).append("</pre>");
    }
    m.append("<h2>What it would change</h2>");
    if (p.diff().isEmpty()) {
      m.append("<p id=\"diff-note\">").append(text(p.diffNote().isEmpty() ? "No diff is available." : "No diff: " + p.diffNote())).append("</p>");
    } else {
      m.append("<pre id=\"diff\">");
      for (String line : p.diff().split("\n", -1)) {
        String kind = line.startsWith("+++") || line.startsWith("---") ? "file" : line.startsWith("+") ? "add"
            : line.startsWith("-") ? "del" : line.startsWith("@@") ? "hunk" : "ctx";
        m.append("<span class=\"").append(kind).append("\">").append(text(line)).append("</span>\n");
      }
      m.append("</pre>");
    }
    m.append("<h2>Answers</h2>");
    if (p.answers().isEmpty()) {
      m.append("<p id=\"no-answers\">No answers yet.</p>");
    } else {
      m.append("<ul id=\"answers\">");
      for (PendingApproval.Answer a : p.answers()) {
        m.append("<li>").append(text(a.user())).append(a.approved() ? " approved" : " denied").append(" at ")
            .append(text(a.at().toString())).append(a.comment().isEmpty() ? "" : ": " + text(a.comment())).append("</li>");
      }
      m.append("</ul>");
    }
    if (state == PendingApproval.State.PENDING) {
      String action = text(base) + "/approvals/" + text(p.id());
      m.append("<div class=\"answer\"><form method=\"post\" action=\"").append(action).append("/approve\">").append(csrf(s))
          .append("<label for=\"comment\">Comment (optional)</label>")
          .append("<textarea id=\"comment\" name=\"comment\" maxlength=\"").append(AnswerAudit.MAX_COMMENT_CHARS).append("\"></textarea>")
          .append("<button type=\"submit\" id=\"approve\">Approve</button></form>")
          .append("<form method=\"post\" action=\"").append(action).append("/deny\">").append(csrf(s))
          .append("<label for=\"reason\">Reason for denying</label>")
          .append("<textarea id=\"reason\" name=\"reason\" required maxlength=\"").append(AnswerAudit.MAX_COMMENT_CHARS).append("\"></textarea>")
          .append("<button type=\"submit\" id=\"deny\">Deny</button></form></div>");
    }
    m.append("<p><a id=\"back\" href=\"").append(text(base)).append("/\">All approvals</a></p>");
    return layout(base, "Approval " + p.id(), s, m.toString());
  }

  static String problem(String base, Sessions.Session s, String title, String message) {
    return layout(base, title, s, "<h1>" + text(title) + "</h1><p class=\"error\" id=\"message\">" + text(message)
        + "</p><p><a id=\"back\" href=\"" + text(base) + "/\">All approvals</a></p>");
  }

  private static void row(StringBuilder m, String id, String label, String value) {
    m.append("<dt>").append(text(label)).append("</dt><dd id=\"").append(id).append("\">").append(text(value)).append("</dd>");
  }

  private static String link(String base, PendingApproval p) {
    return "<a href=\"" + text(base) + "/approvals/" + text(p.id()) + "\">" + text(p.id()) + "</a>";
  }

  private static String csrf(Sessions.Session s) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + text(s.csrf) + "\">";
  }

  static String what(PendingApproval p) {
    String resource = p.subresource().isEmpty() ? p.resource() : p.resource() + "/" + p.subresource();
    return p.verb() + " " + resource + (p.apiGroup().isEmpty() ? "" : "." + p.apiGroup());
  }

  static String object(PendingApproval p) {
    String name = p.objectName().isEmpty() ? "(all)" : p.objectName();
    return p.objectNamespace().isEmpty() ? name : p.objectNamespace() + "/" + name;
  }
}
