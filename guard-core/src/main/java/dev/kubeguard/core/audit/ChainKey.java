package dev.kubeguard.core.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret key of a keyed audit chain (HMAC-SHA256). Whoever holds it can verify a trail, and
 * can also forge one: keep it out of the audit directory, readable only by the recorder and the
 * auditors. Checkpoints ({@link AuditCheckpoints}) are for parties who must not hold it.
 *
 * <p>Text form (file or environment variable): the key in standard base64, at least 32 bytes once
 * decoded; surrounding whitespace is ignored. Generate one with {@code head -c 32 /dev/urandom |
 * base64}. Immutable and thread-safe; {@link #toString()} shows only the key's {@link #id()}.
 */
public final class ChainKey {

  /** The environment variable {@code kubeguard audit verify} reads when no key file is given. */
  public static final String ENV = "KUBEGUARD_AUDIT_KEY";

  private static final int MIN_BYTES = 32;
  private static final String ALG = "HmacSHA256";

  private final SecretKeySpec key;
  private final String id;

  private ChainKey(byte[] bytes) {
    if (bytes.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          "audit chain key must be at least " + MIN_BYTES + " bytes, got " + bytes.length
              + " (generate one: head -c 32 /dev/urandom | base64)");
    }
    this.key = new SecretKeySpec(bytes.clone(), ALG);
    Mac mac = newMac();
    byte[] tag = mac.doFinal("kubeguard-audit-key-id".getBytes(StandardCharsets.US_ASCII));
    this.id = HexFormat.of().formatHex(tag, 0, 8);
  }

  /** A key from raw bytes (at least 32). */
  public static ChainKey of(byte[] bytes) {
    return new ChainKey(Objects.requireNonNull(bytes, "key bytes"));
  }

  /** A fresh random key (for tests and first-time setup). */
  public static ChainKey generate() {
    byte[] b = new byte[MIN_BYTES];
    new SecureRandom().nextBytes(b);
    return new ChainKey(b);
  }

  /**
   * Reads a key file holding the base64 key.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException when it does not hold a base64 key of at least 32 bytes
   */
  public static ChainKey fromFile(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    return parse(text, "key file " + file);
  }

  /**
   * Reads the base64 key from environment variable {@code name}.
   *
   * @throws IllegalArgumentException when the variable is unset, empty or not a base64 key
   */
  public static ChainKey fromEnv(String name) {
    return fromEnv(name, System.getenv());
  }

  /** Reads the base64 key from {@code env.get(name)} (an environment given explicitly, as a CLI does). */
  public static ChainKey fromEnv(String name, Map<String, String> env) {
    String text = env.get(name);
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "environment variable " + name + " is not set: it must hold the base64 audit chain key");
    }
    return parse(text, "environment variable " + name);
  }

  private static ChainKey parse(String text, String where) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " does not hold a base64 audit chain key", e);
    }
    try {
      return new ChainKey(bytes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  /** A public, non-secret identifier of the key (16 hex digits), for messages. */
  public String id() {
    return id;
  }

  /** A new HMAC-SHA256 instance under this key; one per thread. */
  Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALG);
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("JDK without HmacSHA256", e);
    }
  }

  @Override
  public String toString() {
    return "ChainKey[id=" + id + "]";
  }
}
