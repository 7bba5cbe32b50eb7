package dev.kubeguard.mcp.internal;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Writes the only error bodies a client ever gets from behind the filter: a tiny JSON object
 * with an OAuth-style error code and a fixed description, never exception text or stack traces.
 * Stateless.
 */
public final class ErrorBodies {
  private ErrorBodies() {}

  /** Writes {@code {"error":code,"error_description":description}} with {@code status}. */
  public static void write(HttpServletResponse response, int status, String code, String description)
      throws IOException {
    response.setStatus(status);
    response.setHeader("Cache-Control", "no-store");
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    byte[] body =
        ("{\"error\":\"" + code + "\",\"error_description\":\"" + description + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    response.setContentLength(body.length);
    try {
      OutputStream out = response.getOutputStream();
      out.write(body);
      out.flush();
    } catch (IllegalStateException writerAlreadyUsed) {
      PrintWriter writer = response.getWriter();
      writer.write(new String(body, StandardCharsets.UTF_8));
      writer.flush();
    }
  }

  /** A generic body for an error status produced downstream (e.g. by the MCP SDK). */
  public static void writeGeneric(HttpServletResponse response, int status) throws IOException {
    String code;
    if (status == 400) {
      code = "bad_request";
    } else if (status == 404) {
      code = "not_found";
    } else if (status == 405) {
      code = "method_not_allowed";
    } else if (status < 500) {
      code = "request_rejected";
    } else {
      code = "server_error";
    }
    write(response, status, code, "the request could not be processed");
  }
}
