package dev.kubeguard.core.mask;

import java.io.InputStream;
import java.util.Arrays;
import java.util.function.LongFunction;

/**
 * A large body produced lazily as it is read: a head, {@code count} items from a generator, a tail.
 * Never holds more than one item, so the body's size costs the reader nothing but time. The first
 * item drops its leading separator byte when {@code separated} (JSON arrays: {@code ,{...}}).
 *
 * <p>Not thread-safe: one reader. {@link #read()} exists for the {@link InputStream} contract;
 * callers read in blocks.
 */
public class GeneratedBody extends InputStream {

  private final byte[] tail;
  private final long count;
  private final LongFunction<byte[]> item;
  private final boolean separated;
  /** Items produced so far. */
  public long items;
  /** Bytes produced so far. */
  public long produced;
  private byte[] cur;
  private int pos;
  private boolean tailDone;

  public GeneratedBody(byte[] head, long count, LongFunction<byte[]> item, byte[] tail, boolean separated) {
    this.cur = head;
    this.count = count;
    this.item = item;
    this.tail = tail;
    this.separated = separated;
  }

  /**
   * How many items of size {@code itemSize} make a body of at least {@code target} bytes (one more
   * than the exact quotient, for the separator the first item drops).
   */
  public static long itemsFor(long target, int headAndTail, int itemSize) {
    return (target - headAndTail + itemSize - 1) / itemSize + 1;
  }

  /** How many items this body has in all. */
  public long count() {
    return count;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    int done = 0;
    while (done < len) {
      if (pos == cur.length) {
        if (items < count) {
          byte[] next = item.apply(items);
          cur = separated && items == 0 ? Arrays.copyOfRange(next, 1, next.length) : next;
          items++;
        } else if (!tailDone) {
          cur = tail;
          tailDone = true;
        } else {
          break;
        }
        pos = 0;
      }
      int n = Math.min(len - done, cur.length - pos);
      System.arraycopy(cur, pos, b, off + done, n);
      pos += n;
      done += n;
    }
    produced += done;
    return done == 0 ? -1 : done;
  }
}
