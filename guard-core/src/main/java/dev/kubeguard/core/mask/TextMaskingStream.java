package dev.kubeguard.core.mask;

import dev.kubeguard.api.spi.ChunkSink;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks a text body (pod logs, including endless {@code follow} streams) line by line with the
 * value detectors. A line is emitted once its newline arrives, so a secret cut across chunks is
 * seen whole; the carry is the current incomplete line only.
 *
 * <p>Bytes are read as ISO-8859-1, one char per byte, so every byte that is not part of a secret
 * comes out unchanged whatever the log's encoding (the detectors match ASCII). A PEM private key
 * spans lines: from its BEGIN line on nothing is emitted until its END line, and the token
 * (keyed hash of the whole block, computed piecewise) takes the block's place, so a key costs no
 * memory however long. A line longer than the held bound is cut at whitespace well before its
 * end; a line with nowhere safe to cut fails closed.
 *
 * <p>A log fetched with {@code tailLines} or {@code sinceTime} may start inside a key, with no
 * BEGIN line to announce it: such body lines ({@link PemBodyLines}) are masked one by one, each
 * by its own token; a short base64-looking line is held back one line, until it is clear whether
 * an END line follows it. This rule is for text only, and it does not apply inside a BEGIN CERTIFICATE
 * (or other public) block, whose body is public; a certificate whose BEGIN line was cut off is
 * masked like a key (fail closed: the two cannot be told apart). Not thread-safe.
 */
final class TextMaskingStream implements MaskingStream {

  private static final Pattern BEGIN = Pattern.compile("-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY-----");
  private static final Pattern END = Pattern.compile("-----END[A-Z0-9 ]{0,40}PRIVATE KEY-----");
  /** What is kept at the end of an over-long line when it is cut: longer than any one token. */
  private static final int TAIL = 8 * 1024;

  private final ValueDetectors detectors;
  private final MaskTokens tokens;
  private final ChunkOutput out;
  private final int maxLine;
  private final int[] masked = new int[1];
  private char[] line = new char[1024];
  private int len;
  private boolean inPem;
  /** Inside a certificate or other public PEM block: its base64 lines pass as they are. */
  private boolean inPublicPem;
  /** The previous line was a BEGIN-less key body line, so a short last line follows it. */
  private boolean afterBodyLine;
  /**
   * A short base64-looking line held back until the next line shows whether it was the last line
   * of a key (the END line follows) or just a word; the one line of delay is the price of telling.
   */
  private String pending;
  private boolean dead;
  private boolean finished;

  public TextMaskingStream(CompiledProfile profile, MaskTokens tokens, MaskLimits limits, ChunkSink sink) {
    this.detectors = profile.detectors;
    this.tokens = tokens;
    this.out = new ChunkOutput(sink);
    this.maxLine = Math.max(limits.maxHeldChars(), 2 * TAIL);
  }

  @Override
  public void write(ByteBuffer chunk) throws MaskingException {
    alive();
    try {
      while (chunk.hasRemaining()) {
        char c = (char) (chunk.get() & 0xff);
        if (len == line.length) {
          char[] bigger = new char[line.length * 2];
          System.arraycopy(line, 0, bigger, 0, len);
          line = bigger;
        }
        line[len++] = c;
        if (c == '\n') {
          segment(new String(line, 0, len));
          len = 0;
          if (out.size() >= ChunkOutput.FLUSH_AT) {
            out.emit();
          }
        } else if (len > maxLine) {
          cutLongLine();
        }
      }
      out.emit();
    } catch (MaskingException e) {
      dead = true;
      out.release();
      throw e;
    }
  }

  @Override
  public void finish() throws MaskingException {
    alive();
    finished = true;
    try {
      if (len > 0) {
        segment(new String(line, 0, len));
        len = 0;
      }
      if (pending != null) {
        String held = pending;
        pending = null;
        detect(held);
      }
      if (inPem) {
        // unterminated key: everything from BEGIN on was withheld; its token stands in for it
        inPem = false;
        put(tokens.finish());
        masked[0]++;
      }
      out.emit();
    } finally {
      out.release();
    }
  }

  @Override
  public int maskedCount() {
    return masked[0];
  }

  private void segment(String s) {
    if (pending != null) {
      String held = pending;
      pending = null;
      if (s.contains("-----END") && END.matcher(s).find()) {
        maskPayload(held, PemBodyLines.payload(held)); // the last line of a key whose BEGIN we never saw
      } else {
        detect(held);
      }
    }
    if (inPem) {
      Matcher e = s.contains("-----END") ? END.matcher(s) : null;
      if (e == null || !e.find()) {
        pemUpdate(s);
        return;
      }
      pemUpdate(s.substring(0, e.end()));
      put(tokens.finish());
      masked[0]++;
      inPem = false;
      s = s.substring(e.end());
    }
    int begin = s.indexOf("-----BEGIN");
    if (begin >= 0) {
      afterBodyLine = false;
      Matcher b = BEGIN.matcher(s);
      if (b.find() && !END.matcher(s).find(b.end())) {
        inPublicPem = false;
        detect(s.substring(0, b.start()));
        inPem = true;
        pemUpdate(s.substring(b.start()));
        return;
      }
      // a public block opens unless its END is on the same line
      inPublicPem = s.indexOf("-----END", begin) < 0;
      detect(s);
      return;
    }
    if (s.contains("-----END")) {
      inPublicPem = false;
      afterBodyLine = false;
      detect(s);
      return;
    }
    int[] p = PemBodyLines.payload(s);
    if (inPublicPem) {
      if (p != null) {
        put(s); // a certificate's body is public
        return;
      }
      inPublicPem = false; // not base64: the block is over, END or not
    }
    if (p != null
        && (PemBodyLines.body(s, p[0], p[1]) || (afterBodyLine && PemBodyLines.continuation(s, p[0], p[1])))) {
      maskPayload(s, p);
      afterBodyLine = true;
      return;
    }
    afterBodyLine = false;
    if (p != null && s.endsWith("\n") && PemBodyLines.continuation(s, p[0], p[1])) {
      pending = s;
      return;
    }
    detect(s);
  }

  private void maskPayload(String s, int[] p) {
    put(s.substring(0, p[0]));
    put(tokens.ofText(s.substring(p[0], p[1])));
    put(s.substring(p[1]));
    masked[0]++;
  }

  private void detect(String s) {
    if (s.isEmpty()) {
      return;
    }
    if (detectors.active()) {
      char[] c = s.toCharArray();
      int which = detectors.triggers(c, 0, c.length);
      if (which != 0) {
        String m = detectors.mask(s, tokens, masked, which);
        if (m != null) {
          s = m;
        }
      }
    }
    put(s);
  }

  private void cutLongLine() throws MaskingException {
    if (inPem) {
      segment(new String(line, 0, len - TAIL));
      shift(len - TAIL);
      return;
    }
    for (int i = len - TAIL; i > 0; i--) {
      char c = line[i];
      if ((c == ' ' || c == '\t') && line[i - 1] != '=' && line[i - 1] != ':' && line[i - 1] != ' ') {
        segment(new String(line, 0, i + 1));
        shift(i + 1);
        return;
      }
    }
    throw new MaskingException(
        "text line longer than " + maxLine + " bytes with no whitespace to cut at; body withheld");
  }

  private void shift(int from) {
    System.arraycopy(line, from, line, 0, len - from);
    len -= from;
  }

  private void pemUpdate(String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    tokens.update(b, 0, b.length);
  }

  private void put(String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    out.write(b, 0, b.length);
  }

  private void alive() throws MaskingException {
    if (dead) {
      throw new MaskingException("masking stream already failed; the body is withheld");
    }
    if (finished) {
      throw new MaskingException("masking stream already finished");
    }
  }
}
