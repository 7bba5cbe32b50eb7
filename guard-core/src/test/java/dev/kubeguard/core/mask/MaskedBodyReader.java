package dev.kubeguard.core.mask;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The reading side of an adapter's constant-memory child: reads a guarded response body to its
 * end in 64 KB blocks, takes {@link RetainedHeap} readings after {@code checkpoint} bytes and
 * after {@code target} bytes (both while the body is still open), and reports them with
 * {@link ChildJvm#report} beside the bytes read, how often each planted secret reached the
 * caller ({@code leaked}), and how many mask tokens arrived, plain ({@code tokens}) and as
 * Secret {@code data} carries them, base64 ({@code base64Tokens}). Never prints the body.
 * Not thread-safe.
 */
public final class MaskedBodyReader {

  /** The plain token's prefix. */
  public static final String TOKEN = "kubeguard-masked:";
  /** What every base64-encoded token starts with (15 bytes: a whole number of base64 groups). */
  public static final String BASE64_TOKEN =
      Base64.getEncoder().encodeToString("kubeguard-maske".getBytes(StandardCharsets.US_ASCII));

  /** With {@code -Dkubeguard.heapSeries}, a reading every 10 MB too, to see where memory goes. */
  private static final boolean SERIES = System.getProperty("kubeguard.heapSeries") != null;
  private static final long SERIES_STEP = 10L * 1024 * 1024;

  /** Reads {@code body} to its end and reports; the caller closes it. */
  public static void readAndReport(InputStream body, long checkpoint, long target, List<String> secrets)
      throws IOException {
    List<NeedleCounter> leaks = secrets.stream().map(NeedleCounter::new).toList();
    NeedleCounter tokens = new NeedleCounter(TOKEN);
    NeedleCounter base64Tokens = new NeedleCounter(BASE64_TOKEN);
    byte[] buf = new byte[64 * 1024];
    long read = 0;
    long atCheckpoint = -1;
    long atEnd = -1;
    int n;
    while ((n = body.read(buf, 0, buf.length)) >= 0) {
      for (NeedleCounter leak : leaks) {
        leak.scan(buf, 0, n);
      }
      tokens.scan(buf, 0, n);
      base64Tokens.scan(buf, 0, n);
      read += n;
      if (atCheckpoint < 0 && read >= checkpoint) {
        atCheckpoint = RetainedHeap.sample();
      }
      if (SERIES && read / SERIES_STEP != (read - n) / SERIES_STEP) {
        ChildJvm.report("heapAt" + (read >> 20) + "MB", RetainedHeap.sample());
      }
      if (atEnd < 0 && read >= target) {
        atEnd = RetainedHeap.sample();
      }
    }
    ChildJvm.report("heapAtCheckpoint", atCheckpoint);
    ChildJvm.report("heapAtEnd", atEnd);
    ChildJvm.report("out", read);
    ChildJvm.report("leaked", leaks.stream().mapToLong(NeedleCounter::count).sum());
    ChildJvm.report("tokens", tokens.count());
    ChildJvm.report("base64Tokens", base64Tokens.count());
  }

  private MaskedBodyReader() {}
}
