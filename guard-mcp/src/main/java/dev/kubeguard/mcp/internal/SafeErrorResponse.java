package dev.kubeguard.mcp.internal;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Lets success responses (JSON, SSE streams) through untouched, but swallows whatever body a
 * downstream component writes once the status is an error, and turns {@code sendError} into a
 * plain status, so no stack trace or internal message (the MCP SDK serializes exceptions into its
 * 400 bodies; a container error page may print them) reaches the client. {@link #finish()} then
 * writes a generic body. Not thread-safe beyond what the servlet container guarantees for one
 * response.
 */
public final class SafeErrorResponse extends HttpServletResponseWrapper {
  private int status = 200;
  private PrintWriter writer;
  private ServletOutputStream stream;

  public SafeErrorResponse(HttpServletResponse response) {
    super(response);
  }

  private boolean suppressing() {
    return status >= 400;
  }

  @Override
  public void setStatus(int sc) {
    status = sc;
    super.setStatus(sc);
  }

  @Override
  public void sendError(int sc) {
    setStatus(sc);
  }

  @Override
  public void sendError(int sc, String msg) {
    setStatus(sc);
  }

  @Override
  public void setContentLength(int len) {
    if (!suppressing()) {
      super.setContentLength(len);
    }
  }

  @Override
  public void setContentLengthLong(long len) {
    if (!suppressing()) {
      super.setContentLengthLong(len);
    }
  }

  @Override
  public void setHeader(String name, String value) {
    if (!(suppressing() && "Content-Length".equalsIgnoreCase(name))) {
      super.setHeader(name, value);
    }
  }

  @Override
  public void flushBuffer() throws IOException {
    if (!suppressing()) {
      super.flushBuffer();
    }
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (writer != null) {
      throw new IllegalStateException("getWriter() has already been called");
    }
    if (stream == null) {
      stream = new GuardedStream();
    }
    return stream;
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (stream != null) {
      throw new IllegalStateException("getOutputStream() has already been called");
    }
    if (writer == null) {
      writer = new PrintWriter(new GuardedWriter());
    }
    return writer;
  }

  /**
   * After the chain: for an error status, replaces whatever was (not) written with a generic
   * body, unless the response already went out.
   */
  public void finish() throws IOException {
    HttpServletResponse real = (HttpServletResponse) getResponse();
    if (suppressing() && !real.isCommitted()) {
      real.resetBuffer();
      ErrorBodies.writeGeneric(real, status);
    }
  }

  private final class GuardedWriter extends Writer {
    private PrintWriter target;

    private PrintWriter target() throws IOException {
      if (target == null) {
        target = getResponse().getWriter();
      }
      return target;
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
      if (!suppressing()) {
        target().write(buf, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      if (!suppressing()) {
        target().flush();
      }
    }

    @Override
    public void close() throws IOException {
      if (!suppressing()) {
        target().close();
      }
    }
  }

  private final class GuardedStream extends ServletOutputStream {
    private ServletOutputStream target;

    private ServletOutputStream target() throws IOException {
      if (target == null) {
        target = getResponse().getOutputStream();
      }
      return target;
    }

    @Override
    public void write(int b) throws IOException {
      if (!suppressing()) {
        target().write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (!suppressing()) {
        target().write(b, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      if (!suppressing()) {
        target().flush();
      }
    }

    @Override
    public void close() throws IOException {
      if (!suppressing()) {
        target().close();
      }
    }

    @Override
    public boolean isReady() {
      try {
        return target().isReady();
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      try {
        target().setWriteListener(listener);
      } catch (IOException e) {
        throw new IllegalStateException("output stream unavailable", e);
      }
    }
  }
}
