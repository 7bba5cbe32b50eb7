package dev.kubeguard.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * The chained line format (see {@code JsonlAuditRecorder}'s class javadoc): an audit Event whose
 * annotations end with {@code kubeguard.dev/seq}, {@code kubeguard.dev/prev-hash} and
 * {@code kubeguard.dev/hash}, in that order, the hash being the very last value of the line. The
 * line's hash is the SHA-256 of its bytes up to (excluding) that value, so it covers everything
 * the line says including the previous line's hash.
 *
 * <p>Builders and parsers here are stateless; {@link MessageDigest}s are passed in by callers that
 * own one per thread.
 */
final class ChainLine {

  public static final String SEQ = "kubeguard.dev/seq";
  public static final String PREV_HASH = "kubeguard.dev/prev-hash";
  public static final String HASH = "kubeguard.dev/hash";
  public static final Set<String> RESERVED_KEYS = Set.of(SEQ, PREV_HASH, HASH);

  /** The previous hash of the first line of a chain. */
  public static final String GENESIS = "0".repeat(64);

  private static final byte[] HASH_OPEN = ("\"" + HASH + "\":\"").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LINE_END = "\"}}".getBytes(StandardCharsets.US_ASCII);
  private static final int HEX_LEN = 64;
  private static final HexFormat HEX = HexFormat.of();

  private ChainLine() {}

  /** A new SHA-256 digest; every JDK has one. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK without SHA-256", e);
    }
  }

  /** The bytes of one complete line, newline included, and its hash. */
  public record Built(byte[] bytes, String hash) {}

  /** Appends the chain annotations to an open event, hashes, and closes the line. */
  public static Built build(EventJsonWriter.OpenEvent open, long seq, String prevHash, MessageDigest sha) {
    String chain =
        (open.hasAnnotations() ? "," : "")
            + "\"" + SEQ + "\":\"" + seq + "\",\"" + PREV_HASH + "\":\"" + prevHash + "\",";
    byte[] chainBytes = chain.getBytes(StandardCharsets.US_ASCII);
    byte[] prefix = open.prefix();
    int hashedLen = prefix.length + chainBytes.length + HASH_OPEN.length;
    byte[] line = new byte[hashedLen + HEX_LEN + LINE_END.length + 1];
    System.arraycopy(prefix, 0, line, 0, prefix.length);
    System.arraycopy(chainBytes, 0, line, prefix.length, chainBytes.length);
    System.arraycopy(HASH_OPEN, 0, line, prefix.length + chainBytes.length, HASH_OPEN.length);
    sha.reset();
    sha.update(line, 0, hashedLen);
    String hash = HEX.formatHex(sha.digest());
    byte[] hex = hash.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(hex, 0, line, hashedLen, HEX_LEN);
    System.arraycopy(LINE_END, 0, line, hashedLen + HEX_LEN, LINE_END.length);
    line[line.length - 1] = '\n';
    return new Built(line, hash);
  }

  /** What one line claims and what its bytes actually hash to. */
  public record Parsed(long seq, String prevHash, String storedHash, String actualHash, JsonNode event) {
    public boolean hashMatches() {
      return storedHash.equals(actualHash);
    }
  }

  /**
   * Parses one line (without its newline).
   *
   * @throws IllegalArgumentException saying why the line is not a chained audit event
   */
  public static Parsed parse(byte[] line, int length, MessageDigest sha) {
    int hashedLen = length - LINE_END.length - HEX_LEN;
    if (hashedLen < HASH_OPEN.length
        || !Arrays.equals(line, length - LINE_END.length, length, LINE_END, 0, LINE_END.length)
        || !Arrays.equals(line, hashedLen - HASH_OPEN.length, hashedLen, HASH_OPEN, 0, HASH_OPEN.length)) {
      throw new IllegalArgumentException("does not end with the " + HASH + " annotation");
    }
    String stored = new String(line, hashedLen, HEX_LEN, StandardCharsets.US_ASCII);
    if (!isLowerHex(stored)) {
      throw new IllegalArgumentException(HASH + " is not 64 lower-case hex digits");
    }
    sha.reset();
    sha.update(line, 0, hashedLen);
    String actual = HEX.formatHex(sha.digest());
    JsonNode event = EventJsonReader.parseTree(new String(line, 0, length, StandardCharsets.UTF_8));
    JsonNode annotations = event.path("annotations");
    if (!stored.equals(annotations.path(HASH).asText())) {
      // The suffix is not the event's own annotation (it sits inside an embedded body, say).
      throw new IllegalArgumentException(HASH + " is not the last annotation of the event");
    }
    String prev = annotations.path(PREV_HASH).asText("");
    if (prev.length() != HEX_LEN || !isLowerHex(prev)) {
      throw new IllegalArgumentException(PREV_HASH + " missing or not 64 hex digits");
    }
    long seq;
    try {
      seq = Long.parseLong(annotations.path(SEQ).asText(""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(SEQ + " missing or not a number", e);
    }
    return new Parsed(seq, prev, stored, actual, event);
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
