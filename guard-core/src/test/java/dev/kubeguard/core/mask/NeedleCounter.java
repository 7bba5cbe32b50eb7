package dev.kubeguard.core.mask;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Counts the occurrences of one byte string in a body that arrives in chunks, including those
 * split across chunks, holding only the last {@code needle.length - 1} bytes. Not thread-safe.
 */
public final class NeedleCounter {

  private final byte[] needle;
  private final byte[] carry;
  private int carried;
  private long count;

  public NeedleCounter(String needle) {
    this.needle = needle.getBytes(StandardCharsets.UTF_8);
    this.carry = new byte[this.needle.length - 1];
  }

  /** Scans {@code b[off, off + len)}. */
  public void scan(byte[] b, int off, int len) {
    // a match that starts in the carried tail and ends in this chunk
    for (int start = 0; start < carried; start++) {
      int k = 0;
      for (; k < needle.length; k++) {
        int at = start + k;
        if (at >= carried + len) {
          break;
        }
        byte got = at < carried ? carry[at] : b[off + at - carried];
        if (got != needle[k]) {
          break;
        }
      }
      if (k == needle.length) {
        count++;
      }
    }
    int end = off + len - needle.length;
    outer:
    for (int i = off; i <= end; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (b[i + k] != needle[k]) {
          continue outer;
        }
      }
      count++;
    }
    // keep the last needle.length - 1 bytes of carry + chunk
    int keep = Math.min(carry.length, carried + len);
    byte[] joined = new byte[keep];
    int fromChunk = Math.min(len, keep);
    int fromCarry = keep - fromChunk;
    System.arraycopy(carry, carried - fromCarry, joined, 0, fromCarry);
    System.arraycopy(b, off + len - fromChunk, joined, fromCarry, fromChunk);
    System.arraycopy(joined, 0, carry, 0, keep);
    carried = keep;
  }

  /** Scans the remaining bytes of {@code chunk} without consuming them. */
  public void scan(ByteBuffer chunk) {
    if (chunk.hasArray()) {
      scan(chunk.array(), chunk.arrayOffset() + chunk.position(), chunk.remaining());
      return;
    }
    byte[] b = new byte[chunk.remaining()];
    chunk.duplicate().get(b);
    scan(b, 0, b.length);
  }

  public long count() {
    return count;
  }
}
