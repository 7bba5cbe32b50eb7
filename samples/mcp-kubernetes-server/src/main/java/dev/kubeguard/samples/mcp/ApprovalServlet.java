package dev.kubeguard.samples.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.AuthenticationException;
import dev.kubeguard.api.spi.Authenticator;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approvers' endpoint, separate from MCP so an agent can never approve through its own
 * channel: {@code GET /approvals} lists what the caller may answer, {@code POST
 * /approvals/{id}/approve} and {@code POST /approvals/{id}/deny} answer. Each request carries the
 * approver's own bearer token, verified by the same authenticator as the MCP endpoint; the
 * approver must be in one of the request's approver groups and not its requester (the Guard
 * checks both again before the retry passes). Answers are JSON; errors say why, never how the
 * server failed.
 *
 * <p>Thread-safe; never logs tokens.
 */
final class ApprovalServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ApprovalServlet.class);
  private static final Pattern ANSWER = Pattern.compile("^/(apr-[A-Za-z0-9-]{1,80})/(approve|deny)$");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final transient Authenticator authenticator;
  private final transient ApprovalDesk desk;

  ApprovalServlet(Authenticator authenticator, ApprovalDesk desk) {
    this.authenticator = authenticator;
    this.desk = desk;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Identity who = authenticate(request, response);
    if (who == null) {
      return;
    }
    if (request.getPathInfo() != null && !request.getPathInfo().equals("/")) {
      write(response, 404, Map.of("error", "not found: GET /approvals lists what you may answer"));
      return;
    }
    List<Map<String, Object>> items = desk.answerableBy(who);
    write(response, 200, Map.of("pending", items));
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Identity who = authenticate(request, response);
    if (who == null) {
      return;
    }
    Matcher m = ANSWER.matcher(request.getPathInfo() == null ? "" : request.getPathInfo());
    if (!m.matches()) {
      write(response, 404, Map.of("error", "not found: POST /approvals/{id}/approve or /approvals/{id}/deny"));
      return;
    }
    String id = m.group(1);
    boolean approve = m.group(2).equals("approve");
    try {
      boolean complete = desk.answer(id, who, token(request), approve, "answered on the approvals endpoint by " + who.user());
      LOG.info("{} {} {}", who.user(), approve ? "approved" : "denied", id);
      write(response, 200, Map.of("id", id, "answer", approve ? "approved" : "denied",
          "complete", complete || !approve, "by", who.user()));
    } catch (ApprovalDesk.ApprovalRefusedException e) {
      LOG.warn("approval answer refused: {}", e.getMessage());
      write(response, e.status, Map.of("error", e.getMessage()));
    }
  }

  private Identity authenticate(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String header = request.getHeader("Authorization");
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      response.setHeader("WWW-Authenticate", "Bearer");
      write(response, 401, Map.of("error", "send the approver's own token: Authorization: Bearer <token>"));
      return null;
    }
    try {
      return authenticator.authenticate(header.substring(7).strip());
    } catch (AuthenticationException | RuntimeException e) {
      LOG.warn("approvals endpoint: token rejected");
      response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      write(response, 401, Map.of("error", "invalid or expired credentials"));
      return null;
    }
  }

  private static String token(HttpServletRequest request) {
    return request.getHeader("Authorization").substring(7).strip();
  }

  private static void write(HttpServletResponse response, int status, Object body) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.getOutputStream().write(JSON.writeValueAsBytes(body));
  }
}
