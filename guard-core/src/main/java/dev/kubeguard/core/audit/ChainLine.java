package dev.kubeguard.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;

/**
 * The chained line format (see {@code JsonlAuditRecorder}'s class javadoc): an audit Event whose
 * annotations end with {@code kubeguard.dev/seq}, {@code kubeguard.dev/prev-hash} and
 * {@code kubeguard.dev/hash}, in that order, then, on a keyed chain, {@code kubeguard.dev/mac}
 * as the very last value of the line. The line's hash is the SHA-256 of its bytes up to
 * (excluding) the hash value, so it covers everything the line says including the previous line's
 * hash; the mac is HMAC-SHA256 under the chain key of the hash's 64 hex characters, so only a
 * key holder can make a line whose mac verifies.
 *
 * <p>Builders and parsers here are stateless; {@link MessageDigest}s are passed in by callers that
 * own one per thread.
 */
final class ChainLine {

  public static final String SEQ = "kubeguard.dev/seq";
  public static final String PREV_HASH = "kubeguard.dev/prev-hash";
  public static final String HASH = "kubeguard.dev/hash";
  public static final String MAC = "kubeguard.dev/mac";
  public static final Set<String> RESERVED_KEYS = Set.of(SEQ, PREV_HASH, HASH, MAC);

  /** The previous hash of the first line of a chain. */
  public static final String GENESIS = "0".repeat(64);

  private static final byte[] HASH_OPEN = ("\"" + HASH + "\":\"").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MAC_OPEN = ("\",\"" + MAC + "\":\"").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LINE_END = "\"}}".getBytes(StandardCharsets.US_ASCII);
  private static final int HEX_LEN = 64;
  private static final HexFormat HEX = HexFormat.of();

  private ChainLine() {}

  /** The bytes of one complete line, newline included, and its hash. */
  public record Built(byte[] bytes, String hash) {}

  /**
   * A line laid out in a buffer its owner keeps from line to line, so a line costs no array of
   * its own: {@code bytes[0, length)} is the line, newline included, until the next build into
   * it. Not thread-safe: one per writer.
   */
  static final class Room {
    byte[] bytes = new byte[2048];
    int length;
    /** The last line's hash in hex: kept as bytes, since the next line needs only its bytes. */
    final byte[] hash = new byte[HEX_LEN];
    private final byte[] digest = new byte[32];

    String hashText() {
      return new String(hash, StandardCharsets.US_ASCII);
    }
  }

  /** Appends the chain annotations to an open event, hashes, and closes the line (unkeyed). */
  public static Built build(EventJsonWriter.OpenEvent open, long seq, String prevHash, MessageDigest sha) {
    byte[] prev = prevHash.getBytes(StandardCharsets.US_ASCII);
    if (prev.length != HEX_LEN) {
      throw new IllegalArgumentException("a previous hash is " + HEX_LEN + " hex digits, got " + prev.length);
    }
    Room room = new Room();
    build(open, seq, prev, sha, null, room);
    return new Built(Arrays.copyOf(room.bytes, room.length), room.hashText());
  }

  /**
   * Appends the chain annotations to an open event, hashes, adds the mac when {@code mac} is not
   * null, and closes the line, in {@code room}. {@code sha} and {@code mac} must be reset (fresh,
   * or as their last {@code digest()}/{@code doFinal()} left them), and are left so. {@code
   * prevHash} is the previous line's 64 hex digits as bytes: the writer's own array, checked once
   * when the chain head is read (the String overload checks what it is given).
   */
  static void build(
      EventJsonWriter.OpenEvent open, long seq, byte[] prevHash, MessageDigest sha, Mac mac, Room room) {
    // Laid out straight into the room: no intermediate strings or hex copies per line.
    byte[] prefix = open.prefix();
    int prefixLen = open.length();
    if (seq < 1) {
      throw new IllegalArgumentException("chain positions start at 1, got " + seq);
    }
    int seqDigits = digits(seq);
    int comma = open.hasAnnotations() ? 1 : 0;
    int hashedLen =
        prefixLen + comma + SEQ_OPEN.length + seqDigits + PREV_OPEN.length + HEX_LEN
            + PREV_CLOSE.length + HASH_OPEN.length;
    int macLen = mac == null ? 0 : MAC_OPEN.length + HEX_LEN;
    int length = hashedLen + HEX_LEN + macLen + LINE_END.length + 1;
    if (room.bytes.length < length) {
      room.bytes = new byte[Math.max(length, room.bytes.length * 2)];
    }
    byte[] line = room.bytes;
    System.arraycopy(prefix, 0, line, 0, prefixLen);
    int at = prefixLen;
    if (comma == 1) {
      line[at++] = ',';
    }
    at = put(line, at, SEQ_OPEN);
    at = JsonLineBytes.putDecimal(line, at, seq, seqDigits);
    at = put(line, at, PREV_OPEN);
    at = put(line, at, prevHash);
    at = put(line, at, PREV_CLOSE);
    at = put(line, at, HASH_OPEN);
    // No reset first: the digest comes reset (new, or after its last digest()), and nothing
    // between this update and digest() can throw. A reset zeroes its arrays: a tenth of a line.
    sha.update(line, 0, hashedLen);
    try {
      sha.digest(room.digest, 0, room.digest.length);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 gave no 32-byte digest", e);
    }
    at = putHex(line, at, room.digest);
    System.arraycopy(line, hashedLen, room.hash, 0, HEX_LEN);
    if (mac != null) {
      at = put(line, at, MAC_OPEN);
      mac.update(line, hashedLen, HEX_LEN);
      at = putHex(line, at, mac.doFinal());
    }
    at = put(line, at, LINE_END);
    line[at] = '\n';
    room.length = length;
  }

  private static final byte[] SEQ_OPEN = ("\"" + SEQ + "\":\"").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PREV_OPEN = ("\",\"" + PREV_HASH + "\":\"").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PREV_CLOSE = "\",".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private static int digits(long n) {
    int d = 1;
    for (long x = n; x >= 10; x /= 10) {
      d++;
    }
    return d;
  }

  private static int put(byte[] to, int at, byte[] from) {
    System.arraycopy(from, 0, to, at, from.length);
    return at + from.length;
  }

  private static int putHex(byte[] to, int at, byte[] bytes) {
    for (byte b : bytes) {
      to[at++] = HEX_DIGITS[(b >> 4) & 0xf];
      to[at++] = HEX_DIGITS[b & 0xf];
    }
    return at;
  }

  /**
   * What one line claims and what its bytes actually hash to. {@code storedMac} is null on an
   * unkeyed line; {@code actualMac} is null unless the line has a mac and a key was given.
   */
  public record Parsed(
      long seq, String prevHash, String storedHash, String actualHash, String storedMac, String actualMac,
      JsonNode event) {
    public boolean hashMatches() {
      return storedHash.equals(actualHash);
    }

    public boolean keyed() {
      return storedMac != null;
    }

    /** The line has a mac and it verifies under the key it was parsed with. */
    public boolean macMatches() {
      return storedMac != null && actualMac != null
          && MessageDigest.isEqual(storedMac.getBytes(StandardCharsets.US_ASCII),
              actualMac.getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** Parses one line (without its newline), not checking a mac. */
  public static Parsed parse(byte[] line, int length, MessageDigest sha) {
    return parse(line, length, sha, null);
  }

  /**
   * Parses one line (without its newline), computing its mac under {@code mac} when both are
   * present.
   *
   * @throws IllegalArgumentException saying why the line is not a chained audit event
   */
  public static Parsed parse(byte[] line, int length, MessageDigest sha, Mac mac) {
    String storedMac = null;
    int macStart = length - LINE_END.length - HEX_LEN;
    if (macStart - MAC_OPEN.length - HEX_LEN >= 0
        && Arrays.equals(line, macStart - MAC_OPEN.length, macStart, MAC_OPEN, 0, MAC_OPEN.length)) {
      storedMac = new String(line, macStart, HEX_LEN, StandardCharsets.US_ASCII);
      if (!isLowerHex(storedMac)) {
        throw new IllegalArgumentException(MAC + " is not 64 lower-case hex digits");
      }
    }
    // Where the hash value ends: the line end, or the mac annotation that follows it.
    int hashEnd = storedMac == null ? length - LINE_END.length : macStart - MAC_OPEN.length;
    int hashedLen = hashEnd - HEX_LEN;
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
    if (!stored.equals(annotations.path(HASH).asText())
        || (storedMac != null && !storedMac.equals(annotations.path(MAC).asText()))) {
      // The suffix is not the event's own annotation (it sits inside an embedded body, say).
      throw new IllegalArgumentException(HASH + " is not the last annotation of the event");
    }
    String actualMac =
        storedMac == null || mac == null
            ? null
            : HEX.formatHex(mac.doFinal(stored.getBytes(StandardCharsets.US_ASCII)));
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
    return new Parsed(seq, prev, stored, actual, storedMac, actualMac, event);
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
