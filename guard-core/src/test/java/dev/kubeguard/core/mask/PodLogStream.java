package dev.kubeguard.core.mask;

import java.nio.charset.StandardCharsets;

/**
 * A {@code pods/log} body of about the size asked, generated line by line as it is read: every
 * tenth line logs {@code password=}{@link #SECRET}, which the default profile masks (one value
 * per such line); the rest is ordinary text, passed through.
 */
public final class PodLogStream extends GeneratedBody {

  public static final String SECRET = "S3cr3t-Pa55w0rd!";
  public static final String CONTENT_TYPE = "text/plain";
  private static final byte[] NONE = new byte[0];

  public PodLogStream(long target) {
    super(NONE, linesFor(target), PodLogStream::line, NONE, false);
  }

  public static long linesFor(long target) {
    return GeneratedBody.itemsFor(target, 0, line(1).length);
  }

  /** How many lines of a body of {@code lines} lines carry the secret. */
  public static long secretLines(long lines) {
    return (lines + 9) / 10;
  }

  static byte[] line(long i) {
    String text = i % 10 == 0
        ? "connecting to db.shop.svc:5432 as shop_app password=" + SECRET + " sslmode=require"
        : "GET /api/orders/" + (i % 100000) + " 200 served in 3ms by worker " + (i % 7);
    return String.format("2026-11-27T11:30:26.%09dZ %s\n", i % 1_000_000_000L, text).getBytes(StandardCharsets.UTF_8);
  }
}
