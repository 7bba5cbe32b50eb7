package dev.kubeguard.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP/1.1 server that records every request exactly as its bytes arrived and answers
 * each with kube-apiserver's 404 Status ({@code status-404-notfound.json}), keeping the connection
 * open for the next one unless the client asks to close it.
 *
 * <p>It exists for the judged = sent property. The JDK server behind {@link FixtureApiServer}
 * parses each target as a {@link URI} before any handler runs and answers one that fails (a
 * target of just {@code //}, say) with its own 400, unrecorded; and {@code //} is exactly what
 * OkHttp makes of dot segments that climb above the root. A request nobody could see would read
 * as a request never sent. This server reads the request line itself, so whatever a client
 * writes is recorded: a target byte for byte (read as UTF-8), a request line that is not three
 * parts with the whole line as its method and an empty target, a body by {@code Content-Length}
 * or chunked.
 *
 * <p><b>Threading:</b> accepts on one daemon thread and serves each connection on its own;
 * {@link #requests()} may be read from any thread. <b>Failure:</b> a connection that breaks the
 * framing (a bad chunk size, a head over {@value #MAX_HEAD} bytes) or stays silent for
 * {@value #IDLE_MILLIS} ms is closed; requests recorded before stay recorded. {@link #close}
 * stops the server and every connection at once.
 */
public final class WireRecorder implements AutoCloseable {

  /** The most bytes a request line and its headers may take. */
  public static final int MAX_HEAD = 256 * 1024;

  /** How long a connection may stay silent before it is closed. */
  public static final int IDLE_MILLIS = 30_000;

  private final ServerSocket socket;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "kubeguard-wire-recorder");
    t.setDaemon(true);
    return t;
  });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<FixtureApiServer.Received> received = new CopyOnWriteArrayList<>();
  private final byte[] notFound = Fixtures.bytes("status-404-notfound.json");

  private WireRecorder() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  /** A started recorder on a free loopback port. */
  public static WireRecorder start() throws IOException {
    WireRecorder w = new WireRecorder();
    w.executor.execute(w::accept);
    return w;
  }

  /** The base URI, e.g. {@code http://127.0.0.1:40123}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  /** Every request received so far, in arrival order. */
  public List<FixtureApiServer.Received> requests() {
    return List.copyOf(received);
  }

  /** How many requests arrived. */
  public int count() {
    return received.size();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing is all that is left to do
    }
    open.forEach(WireRecorder::closeQuietly);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        open.add(s);
        executor.execute(() -> serve(s));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(IDLE_MILLIS);
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (exchange(in, out)) {
        // next request on the same connection
      }
    } catch (IOException e) {
      // a broken or idle connection ends here; what arrived before is recorded
    } finally {
      open.remove(s);
    }
  }

  // One request read and answered; false when the connection is to end.
  private boolean exchange(InputStream in, OutputStream out) throws IOException {
    Head head = new Head(in);
    String line = head.line();
    if (line == null) {
      return false;
    }
    int first = line.indexOf(' ');
    int last = line.lastIndexOf(' ');
    String method = first > 0 && last > first ? line.substring(0, first) : line;
    String target = first > 0 && last > first ? line.substring(first + 1, last) : "";
    Map<String, List<String>> headers = head.headers();
    if ("100-continue".equalsIgnoreCase(first(headers, "Expect"))) {
      out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    byte[] body = body(in, headers);
    received.add(new FixtureApiServer.Received(method, target, headers, body));
    boolean close = String.valueOf(first(headers, "Connection")).toLowerCase(Locale.ROOT).contains("close");
    String auditId = first(headers, "Audit-ID");
    out.write(("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: " + notFound.length + "\r\n"
        + (auditId == null ? "" : "Audit-Id: " + auditId + "\r\n")
        + (close ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.UTF_8));
    if (!method.equals("HEAD")) {
      out.write(notFound);
    }
    out.flush();
    return !close;
  }

  private static byte[] body(InputStream in, Map<String, List<String>> headers) throws IOException {
    String encoding = first(headers, "Transfer-Encoding");
    if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      return chunked(in);
    }
    String length = first(headers, "Content-Length");
    if (length == null) {
      return new byte[0];
    }
    int n;
    try {
      n = Integer.parseInt(length.trim());
    } catch (NumberFormatException e) {
      throw new IOException("Content-Length is no number");
    }
    return exactly(in, n);
  }

  private static byte[] chunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = Head.readLine(in);
      if (size == null) {
        throw new IOException("chunked body ends early");
      }
      int semicolon = size.indexOf(';');
      int n;
      try {
        n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size");
      }
      if (n == 0) {
        String trailer;
        do {
          trailer = Head.readLine(in);
        } while (trailer != null && !trailer.isEmpty());
        return body.toByteArray();
      }
      body.write(exactly(in, n));
      Head.readLine(in); // the CRLF after the chunk
    }
  }

  private static byte[] exactly(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new IOException("body ends early");
    }
    return b;
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  /** A request line and its headers, read with at most {@link #MAX_HEAD} bytes between them. */
  private static final class Head {
    private final String line;
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    Head(InputStream in) throws IOException {
      String l = readLine(in);
      // RFC 9112 2.2: a server should ignore empty lines before the request line
      while (l != null && l.isEmpty()) {
        l = readLine(in);
      }
      line = l;
      int budget = MAX_HEAD - (l == null ? 0 : l.length());
      for (String h = l == null ? "" : readLine(in); h != null && !h.isEmpty(); h = readLine(in)) {
        budget -= h.length();
        if (budget < 0) {
          throw new IOException("request head over " + MAX_HEAD + " bytes");
        }
        int colon = h.indexOf(':');
        if (colon > 0) {
          headers.computeIfAbsent(h.substring(0, colon).trim(), k -> new ArrayList<>()).add(h.substring(colon + 1).trim());
        }
      }
    }

    String line() {
      return line;
    }

    Map<String, List<String>> headers() {
      return headers;
    }

    // A line without its CRLF (or bare LF), read as UTF-8; null at the end of the stream.
    static String readLine(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream(128);
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        if (b.size() >= MAX_HEAD) {
          throw new SocketException("line over " + MAX_HEAD + " bytes");
        }
        b.write(c);
      }
      if (c == -1 && b.size() == 0) {
        return null;
      }
      byte[] bytes = b.toByteArray();
      int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
      return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
  }
}
