package dev.kubeguard.approval.web;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link ApprovalWeb} as a Jakarta Servlet (6.0+: Tomcat 10.1/11, Jetty 12). Map it to a path
 * pattern, and the page lives under that path:
 *
 * <pre>{@code
 * Tomcat.addServlet(context, "approvals", new ApprovalServlet(web));
 * context.addServletMappingDecoded("/kubeguard/approvals/*", "approvals");
 * }</pre>
 *
 * <p>Thread-safe (the container calls it concurrently). Bodies above
 * {@link ApprovalWeb#MAX_BODY_BYTES} are not read past that bound and are refused.
 */
public final class ApprovalServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient ApprovalWeb web;

  public ApprovalServlet(ApprovalWeb web) {
    if (web == null) {
      throw new IllegalArgumentException("ApprovalServlet needs the ApprovalWeb it serves");
    }
    this.web = web;
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String base = req.getContextPath() + req.getServletPath();
    String uri = req.getRequestURI();
    // The raw URI, not the decoded path info: what the page matches must be what was sent.
    String path = uri.startsWith(base) ? uri.substring(base.length()) : req.getPathInfo();
    Map<String, String> headers = new HashMap<>();
    for (String name : Collections.list(req.getHeaderNames())) {
      headers.putIfAbsent(name.toLowerCase(Locale.ROOT), req.getHeader(name));
    }
    Map<String, String> cookies = new HashMap<>();
    if (req.getCookies() != null) {
      for (Cookie c : req.getCookies()) {
        cookies.putIfAbsent(c.getName(), c.getValue());
      }
    }
    byte[] body;
    boolean tooLarge;
    try (InputStream in = req.getInputStream()) {
      byte[] read = in.readNBytes(ApprovalWeb.MAX_BODY_BYTES + 1);
      tooLarge = read.length > ApprovalWeb.MAX_BODY_BYTES;
      body = tooLarge ? new byte[0] : read;
    }
    WebResponse r = web.handle(new WebRequest(req.getMethod(), base, path, req.getQueryString(), headers, cookies, body, tooLarge,
        req.isSecure(), req.getRemoteAddr()));
    resp.setStatus(r.status);
    for (Map.Entry<String, List<String>> h : r.headers.entrySet()) {
      for (String v : h.getValue()) {
        resp.addHeader(h.getKey(), v);
      }
    }
    if (!req.getMethod().equals("HEAD")) {
      resp.setContentLength(r.body.length);
      resp.getOutputStream().write(r.body);
    }
  }
}
