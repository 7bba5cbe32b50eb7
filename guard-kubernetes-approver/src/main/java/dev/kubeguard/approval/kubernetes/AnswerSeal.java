package dev.kubeguard.approval.kubernetes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals an answer a replica wrote after proving who gave it, so every other replica can tell it
 * from one typed into the object by hand: an HMAC-SHA256 under the key the replicas share (kept
 * in a Secret, never in the object) over the object's uid, name and request digest and every
 * field of the answer. A copied, edited or hand-made answer does not verify.
 *
 * <p>Immutable and thread-safe (a fresh {@link Mac} per call).
 */
final class AnswerSeal {

  static final int MIN_KEY_BYTES = 32;
  private final SecretKeySpec key;

  AnswerSeal(byte[] key) {
    if (key == null || key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("the answer key must be at least " + MIN_KEY_BYTES + " random bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
  }

  String seal(String objectUid, String name, String digest, ObjectAnswer a) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      for (String f : List.of(Objects.toString(objectUid, ""), name, digest, a.verdict(), a.user(), a.uid(), String.join("\n", a.groups()),
          a.comment(), a.decidedAt().toString(), a.provenBy())) {
        byte[] b = f.getBytes(StandardCharsets.UTF_8);
        mac.update(ByteBuffer.allocate(8).putLong(b.length).array());
        mac.update(b);
      }
      return HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has HmacSHA256", e);
    }
  }

  boolean verifies(String objectUid, String name, String digest, ObjectAnswer a) {
    byte[] expected = seal(objectUid, name, digest, a).getBytes(StandardCharsets.US_ASCII);
    byte[] given = a.seal().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given);
  }
}
