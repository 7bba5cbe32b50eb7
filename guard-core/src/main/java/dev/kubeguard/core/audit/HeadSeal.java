package dev.kubeguard.core.audit;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;

/**
 * The sealed head of a keyed chain: the sidecar {@code <active file>.head} holding the sequence
 * number and hash of the last fsynced line, with an HMAC under the chain key over them and the
 * chain's name. A verifier holding the key then sees a cut tail or an emptied or deleted file (the
 * chain no longer reaches the sealed line), which the chain alone cannot show.
 *
 * <p>One fixed-width line, {@code kubeguard-audit-head/v1 seq=<20 digits> hash=<64 hex> key=<key
 * id> mac=<64 hex>}, overwritten in place, so each update is one small positioned write. The
 * writer side is used from the writer thread only; {@link #read} is stateless.
 */
final class HeadSeal {

  /** What a head vouches for. */
  record Sealed(long seq, String hash) {}

  private static final String TAG = "kubeguard-audit-head/v1";
  private static final Pattern LINE =
      Pattern.compile(TAG + " seq=(\\d{20}) hash=([0-9a-f]{64}) key=([0-9a-f]{16}) mac=([0-9a-f]{64})\n?");
  private static final HexFormat HEX = HexFormat.of();

  private HeadSeal() {}

  /** Where the head of the chain whose active file is {@code active} lives. */
  static Path sidecar(Path active) {
    return active.resolveSibling(active.getFileName() + ".head");
  }

  private static String mac(Mac mac, String chainName, String seq20, String hash) {
    byte[] msg = (TAG + "|" + chainName + "|" + seq20 + "|" + hash).getBytes(StandardCharsets.UTF_8);
    return HEX.formatHex(mac.doFinal(msg));
  }

  /**
   * Reads and checks the head at {@code file} for the chain named {@code chainName}.
   *
   * @throws IOException when it cannot be read (a missing file is {@link java.nio.file.NoSuchFileException})
   * @throws IllegalArgumentException saying why it is not a valid head under {@code key}
   */
  static Sealed read(Path file, String chainName, ChainKey key) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    Matcher m = LINE.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a sealed audit head");
    }
    if (!m.group(3).equals(key.id())) {
      throw new IllegalArgumentException(
          "sealed with key " + m.group(3) + ", but the key given is " + key.id() + ": wrong key");
    }
    String expected = mac(key.newMac(), chainName, m.group(1), m.group(2));
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII), m.group(4).getBytes(StandardCharsets.US_ASCII))) {
      throw new IllegalArgumentException("its mac does not verify: the head was edited or belongs to another chain");
    }
    return new Sealed(Long.parseLong(m.group(1)), m.group(2));
  }

  /** Keeps the head file open and rewrites it in place. Writer thread only. */
  static final class Writer implements Closeable {
    private final Path file;
    private final String chainName;
    private final Mac mac;
    private final String keyId;
    private FileChannel channel;

    Writer(Path active, ChainKey key) throws IOException {
      this.file = sidecar(active);
      this.chainName = active.getFileName().toString();
      this.mac = key.newMac();
      this.keyId = key.id();
      open();
    }

    private void open() throws IOException {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    /** Seals {@code seq}/{@code hash}; durable only after {@link #force()}. */
    void write(long seq, String hash) throws IOException {
      String seq20 = String.format("%020d", seq);
      String line =
          TAG + " seq=" + seq20 + " hash=" + hash + " key=" + keyId + " mac=" + mac(mac, chainName, seq20, hash) + "\n";
      ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
      long pos = 0;
      while (b.hasRemaining()) {
        pos += channel.write(b, pos);
      }
      if (channel.size() > pos) {
        channel.truncate(pos);
      }
    }

    void force() throws IOException {
      channel.force(false);
    }

    /** Reopens the head at its path (after the file was found deleted or replaced). */
    void reopen() throws IOException {
      channel.close();
      open();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
