package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A 200 MB SecretList, produced lazily and never held, masked in a child JVM limited to 64 MB of
 * heap: masking memory does not grow with the body.
 */
class ConstantMemoryTest {

  static final long TARGET_BYTES = 200L * 1024 * 1024;

  @Test
  void masksA200MegabyteListUnderA64MegabyteHeap() throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process p =
        new ProcessBuilder(
                java, "-Xmx64m", "-cp", System.getProperty("java.class.path"), Child.class.getName())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    long items = SecretListStream.itemsFor(TARGET_BYTES);
    assertThat(output).contains("items=" + items + " masked=" + (3 * items) + " leaked=false");
  }

  /** Runs in the child JVM. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      DefaultMasker masker = DefaultMasker.builder().randomKey().build();
      long[] out = new long[1];
      boolean[] leaked = new boolean[1];
      byte[] needle = SecretListStream.SECRET_B64.getBytes(StandardCharsets.US_ASCII);
      MaskingStream s =
          masker.open(
              new MaskingContext("default", "application/json", Masking.request("list", "secrets", "")),
              c -> {
                out[0] += c.remaining();
                leaked[0] |= contains(c, needle);
                c.position(c.limit());
              });
      SecretListStream in = new SecretListStream(TARGET_BYTES);
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf, 0, buf.length)) > 0) {
        s.write(ByteBuffer.wrap(buf, 0, n));
      }
      s.finish();
      Runtime rt = Runtime.getRuntime();
      System.out.println("items=" + in.items + " masked=" + s.maskedCount() + " leaked=" + leaked[0]
          + " in=" + in.produced + " out=" + out[0] + " maxHeap=" + rt.maxMemory());
      System.exit(in.produced >= TARGET_BYTES ? 0 : 3);
    }

    private static boolean contains(ByteBuffer c, byte[] needle) {
      int end = c.limit() - needle.length;
      outer:
      for (int i = c.position(); i <= end; i++) {
        for (int k = 0; k < needle.length; k++) {
          if (c.get(i + k) != needle[k]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    }
  }

  /** A SecretList of about {@code target} bytes, generated item by item as it is read. */
  static final class SecretListStream extends InputStream {
    static final String SECRET = "S3cr3t-Pa55w0rd!";
    static final String SECRET_B64 = Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8));
    private static final byte[] HEAD =
        "{\"kind\":\"SecretList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TAIL = "]}\n".getBytes(StandardCharsets.UTF_8);

    private final long target;
    private final long totalItems;
    long items;
    long produced;
    private byte[] cur = HEAD;
    private int pos;
    private boolean tailDone;

    SecretListStream(long target) {
      this.target = target;
      this.totalItems = itemsFor(target);
    }

    static long itemsFor(long target) {
      return (target - HEAD.length - TAIL.length + item(0).length - 1) / item(0).length + 1;
    }

    static byte[] item(long i) {
      String name = String.format("secret-%012d", i);
      String lastApplied =
          ("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"annotations\":{},\"name\":\"" + name
              + "\",\"namespace\":\"shop\"},\"stringData\":{\"password\":\"" + SECRET + "\"},\"type\":\"Opaque\"}\n")
              .replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
      return (",{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"shop\",\"uid\":\"783c8087-011f-459d-ac9f-f3bd58c9cba9\","
              + "\"resourceVersion\":\"209\",\"creationTimestamp\":\"2026-11-27T11:30:26Z\",\"labels\":{\"app\":\"shop\"},"
              + "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"" + lastApplied + "\"},"
              + "\"managedFields\":[{\"manager\":\"kubectl-client-side-apply\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
              + "\"time\":\"2026-11-27T11:30:26Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{\".\":{},\"f:password\":{},"
              + "\"f:username\":{}},\"f:type\":{}}}]},\"data\":{\"password\":\"" + SECRET_B64 + "\",\"username\":\"c2hvcF9hcHA=\"},"
              + "\"type\":\"Opaque\"}")
          .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      int done = 0;
      while (done < len) {
        if (pos == cur.length) {
          if (items < totalItems) {
            byte[] next = item(items);
            cur = items == 0 ? java.util.Arrays.copyOfRange(next, 1, next.length) : next;
            items++;
          } else if (!tailDone) {
            cur = TAIL;
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

  @Test
  void generatedListIsTheSizeAsked() {
    SecretListStream s = new SecretListStream(1024 * 1024);
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = s.read(buf, 0, buf.length)) > 0) {
      total += n;
    }
    assertThat(total).isGreaterThanOrEqualTo(1024 * 1024).isLessThan(1024 * 1024 + 4096);
    assertThat(List.of(s.items)).containsExactly(SecretListStream.itemsFor(1024 * 1024));
  }
}
