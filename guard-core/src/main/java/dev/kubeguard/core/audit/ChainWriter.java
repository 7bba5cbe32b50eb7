package dev.kubeguard.core.audit;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.core.internal.Sha256;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.Mac;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of a chained audit file: takes open events from a bounded queue, chains and
 * writes them in batches, rotates by size, fsyncs, and writes signed checkpoints.
 *
 * <ul>
 *   <li>{@link Mode#PER_EVENT} and {@link Mode#QUEUED}: a writer thread drains the queue, fsyncs
 *       per batch (group commit) or per interval.
 *   <li>{@link Mode#WRITTEN}: the callers write (leader/follower): after queueing, a caller takes
 *       the chain lock, and unless another caller already wrote its line, writes every pending
 *       line in one {@code write(2)} ({@link #writeThrough}). The background thread only fsyncs
 *       every interval, outside the chain lock, and signs timed checkpoints.
 * </ul>
 *
 * <p>Threading: {@link #submit}, {@link #writeThrough} and {@link #barrier} are called from any
 * thread; chain state (seq, previous hash, file, buffer) is only touched under {@code chainLock},
 * so there is one writer at a time in every mode. Failure: the first I/O error makes the writer
 * dead; every pending and later submission then fails with that error.
 */
final class ChainWriter {

  /** Signing settings, or none. */
  public record Signing(JWSSigner signer, JWSAlgorithm algorithm, String keyId, int everyEvents, Duration every) {}

  /** Who writes and when it is fsynced (see the class javadoc). */
  enum Mode {
    PER_EVENT,
    WRITTEN,
    QUEUED
  }

  /**
   * Everything the writer needs. {@code fsyncInterval} is null exactly in {@link Mode#PER_EVENT};
   * {@code key == null} means an unkeyed chain without a sealed head.
   */
  public record Config(
      Path path, long maxFileBytes, Mode mode, Duration fsyncInterval, int queueCapacity, Signing signing,
      Runnable beforeWrite, Clock clock, ChainKey key, ActiveFileLoss onActiveFileLost, String replicaId) {}

  private static final Logger LOG = LoggerFactory.getLogger(JsonlAuditRecorder.class);

  private static final int MAX_BATCH = 4096;
  /** The smallest batch whose serializing is worth handing half of to the helper thread. */
  private static final int SPLIT_AT = 32;
  private static final int BUFFER_BYTES = 1 << 20;

  /**
   * A queued item: an event to write at chain position {@code seq}, serialized by the caller
   * ({@code open}) or still to be serialized by the writer ({@code raw}); or a barrier (sync or
   * close, both null, {@code seq} 0) that completes after an fsync.
   */
  private record Entry(
      EventJsonWriter.OpenEvent open, AuditEvent raw, CompletableFuture<Void> done, boolean close, long seq) {
    boolean isBarrier() {
      return open == null && raw == null;
    }

    EventJsonWriter.OpenEvent serialized() {
      return open != null ? open : EventJsonWriter.writeOpen(raw);
    }
  }

  private final Config config;
  private final BlockingQueue<Entry> queue;
  private final Thread thread;
  // QUEUED mode on more than one core: a large batch's events are serialized half on the writer
  // thread and half on this helper, so a second core shares what costs the writer most (an
  // event's JSON); chaining and writing stay on the writer thread alone. Null otherwise.
  private final ExecutorService serializer;
  private final MessageDigest sha = Sha256.newDigest();
  // the line being written, laid out in one buffer kept from line to line
  private final ChainLine.Room line = new ChainLine.Room();
  private final Mac mac;
  private final HeadSeal.Writer head;
  // A heap buffer: lines are written with RandomAccessFile.write (see writeFully).
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
  private final List<Entry> batch = new ArrayList<>();
  private final List<CompletableFuture<Void>> waiting = new ArrayList<>();
  // Positions are handed out at submit, in queue order, so a caller learns its event's seq at once.
  private final ReentrantLock submitLock = new ReentrantLock();
  private long submittedSeq;
  // Guards all chain state below: the writer thread holds it per batch, a WRITTEN-mode leader
  // while it writes. fsync in WRITTEN mode runs outside it, so writers never wait for the disk.
  private final ReentrantLock chainLock = new ReentrantLock();

  private volatile Throwable failure;
  private volatile long durableSeq;
  // The last seq whose line is written to the operating system (no fsync implied).
  private volatile long writtenSeq;
  private volatile boolean stopped;
  private String durableHash;
  private RandomAccessFile file;
  private FileChannel channel;
  private Object fileKey;
  private long sealedSeq = -1;
  private long fileBytes;
  private long fileFirstSeq;
  private long seq;
  // the last line's hash in hex, as the next line embeds it; prevHashText() where a String is due
  private final byte[] prevHash = new byte[64];
  private boolean dirty;
  private long lastForceNanos;
  private long eventsSinceCheckpoint;
  private volatile long lastCheckpointNanos; // read by the WRITTEN-mode syncer to plan its wake-up

  /** Recovers the chain head from existing files and starts the writer thread. */
  public ChainWriter(Config config) throws IOException {
    this.config = config;
    this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
    Path parent = config.path().toAbsolutePath().getParent();
    Files.createDirectories(parent);
    ChainFiles.Head chainHead = ChainFiles.recoverHead(config.path(), config.key());
    if (config.key() != null) {
      checkSealedHead(config.path(), config.key(), chainHead);
    }
    this.seq = chainHead.seq();
    setPrevHash(chainHead.hash());
    this.durableSeq = chainHead.seq();
    this.durableHash = chainHead.hash();
    this.writtenSeq = chainHead.seq();
    this.submittedSeq = chainHead.seq();
    this.mac = config.key() == null ? null : config.key().newMac();
    openActive();
    this.head = config.key() == null ? null : new HeadSeal.Writer(config.path(), config.key());
    sealHead(true);
    this.lastForceNanos = System.nanoTime();
    this.lastCheckpointNanos = lastForceNanos;
    this.serializer =
        config.mode() == Mode.QUEUED && Runtime.getRuntime().availableProcessors() > 1
            ? Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "kubeguard-audit-serializer");
                t.setDaemon(true);
                return t;
              })
            : null;
    this.thread =
        new Thread(config.mode() == Mode.WRITTEN ? this::runSyncer : this::run, "kubeguard-audit-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Refuses to continue a keyed chain that no longer reaches its sealed head: restarting on a cut
   * or emptied trail would seal the cut and erase the evidence. A head behind the chain is fine:
   * a crash may have kept the lines but not the last head update.
   */
  private static void checkSealedHead(Path active, ChainKey key, ChainFiles.Head chain) throws IOException {
    Path file = HeadSeal.sidecar(active);
    HeadSeal.Sealed sealed;
    try {
      sealed = HeadSeal.read(file, active.getFileName().toString(), key);
    } catch (NoSuchFileException e) {
      if (chain.seq() == 0) {
        return; // a new chain
      }
      throw new IOException(
          "sealed head " + file + " is missing for a chain of " + chain.seq() + " events: it was deleted;"
              + " run kubeguard audit verify, then move the trail aside to start a new one");
    } catch (IllegalArgumentException e) {
      throw new IOException("sealed head " + file + " rejected: " + e.getMessage(), e);
    }
    if (sealed.seq() > chain.seq() || (sealed.seq() == chain.seq() && !sealed.hash().equals(chain.hash()))) {
      throw new IOException(
          "audit trail " + active + " ends at seq " + chain.seq() + " but its sealed head vouches for seq "
              + sealed.seq() + ": lines were cut off or replaced; run kubeguard audit verify, then move the"
              + " trail aside to start a new one");
    }
  }

  /** The error that killed the writer, or null while it is healthy. */
  public Throwable failure() {
    return failure;
  }

  /** The sequence number of the last line covered by a completed fsync. */
  public long durableSeq() {
    return durableSeq;
  }

  /**
   * Queues an event, waiting up to {@code timeout} for room, and returns the chain position its
   * line will have, or 0 when the queue stayed full. {@code durable}, when not null, completes
   * once the line is fsynced. Exactly one of {@code open} (the caller serialized it) and {@code
   * raw} (the writer will: the event is deeply immutable, so it may be read on another thread) is
   * set. Returns a bare position, not a result object: this is on every request's path.
   */
  public long submit(
      EventJsonWriter.OpenEvent open, AuditEvent raw, CompletableFuture<Void> durable, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!submitLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return 0;
    }
    try {
      long position = submittedSeq + 1;
      if (!queue.offer(new Entry(open, raw, durable, false, position), deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        return 0;
      }
      submittedSeq = position;
      return position;
    } finally {
      submitLock.unlock();
    }
  }

  /**
   * {@link Mode#WRITTEN}: returns once the line at {@code position} (already submitted by this
   * thread) is written to the operating system, writing it and every other pending line itself
   * when no other caller has yet.
   *
   * @throws TimeoutException when the chain stayed locked for {@code timeout}
   * @throws IOException when the writer failed before the line was written
   */
  public void writeThrough(long position, Duration timeout)
      throws IOException, InterruptedException, TimeoutException {
    if (writtenSeq >= position) {
      return; // a leader wrote it while this thread was queueing
    }
    if (!chainLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new TimeoutException();
    }
    try {
      if (writtenSeq >= position) {
        return;
      }
      requireAlive();
      if (stopped) {
        throw new IOException("audit recorder is closed");
      }
      boolean interrupted = Thread.interrupted();
      try {
        // Only chain lock holders drain, and this thread queued before locking: its line is in here.
        queue.drainTo(batch);
        processBatch();
      } catch (Throwable t) {
        die(t);
        requireAlive();
      } finally {
        restoreInterrupt(interrupted);
      }
    } finally {
      chainLock.unlock();
    }
  }

  /**
   * A request thread's interrupt must not reach FileChannel I/O, which closes the channel for
   * every later caller when interrupted: leaders clear the flag while they write and restore it.
   */
  private static void restoreInterrupt(boolean interrupted) {
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void requireAlive() throws IOException {
    Throwable t = failure;
    if (t != null) {
      throw t instanceof IOException io ? io : new IOException("audit writer failed: " + t, t);
    }
  }

  /**
   * Queues a barrier that completes once everything queued before it is fsynced (and, for
   * {@code close}, the writer has stopped). Returns null when the queue stayed full. In
   * {@link Mode#WRITTEN} the calling thread does the work and the future is already complete.
   */
  public CompletableFuture<Void> barrier(boolean close, Duration timeout) throws InterruptedException {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (config.mode() == Mode.WRITTEN) {
      if (!chainLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        return null;
      }
      boolean interrupted = Thread.interrupted();
      try {
        syncNow(close);
        done.complete(null);
      } catch (Throwable t) {
        if (failure == null) {
          die(t);
        }
        // A close after a failure still stops the writer; close() then reports the failure.
        if (close) {
          done.complete(null);
        } else {
          done.completeExceptionally(t instanceof IOException ? t : new IOException("audit writer failed: " + t, t));
        }
      } finally {
        if (close) {
          stopped = true;
          LockSupport.unpark(thread);
        }
        restoreInterrupt(interrupted);
        chainLock.unlock();
      }
      return done;
    }
    return queue.offer(new Entry(null, null, done, close, 0), timeout.toNanos(), TimeUnit.NANOSECONDS) ? done : null;
  }

  /** WRITTEN mode, under the chain lock: writes what is pending and fsyncs, as a barrier does. */
  private void syncNow(boolean close) throws Exception {
    requireAlive();
    if (stopped) {
      return;
    }
    queue.drainTo(batch);
    batch.add(new Entry(null, null, null, close, 0));
    processBatch();
  }

  /**
   * WRITTEN mode's background thread: every fsync interval, fsyncs what leaders have written since
   * the last fsync (outside the chain lock, so they keep writing meanwhile), then seals the head;
   * signs checkpoints when due.
   */
  private void runSyncer() {
    long interval = config.fsyncInterval().toNanos();
    long nextForce = System.nanoTime() + interval;
    try {
      while (!stopped) {
        long now = System.nanoTime();
        long wake = nextForce;
        Signing s = config.signing();
        if (s != null && s.every() != null) {
          wake = Math.min(wake, lastCheckpointNanos + s.every().toNanos());
        }
        if (wake - now > 0) {
          LockSupport.parkNanos(this, wake - now);
        }
        if (stopped) {
          return;
        }
        if (System.nanoTime() - nextForce >= 0) {
          forceWritten();
          nextForce = System.nanoTime() + interval;
        }
        chainLock.lock();
        try {
          if (!stopped && failure == null && checkpointDue(false)) {
            checkpoint();
          }
        } finally {
          chainLock.unlock();
        }
      }
    } catch (Throwable t) {
      chainLock.lock();
      try {
        if (failure == null) {
          die(t);
        }
      } finally {
        chainLock.unlock();
      }
    }
  }

  /** fsyncs the lines written so far without holding the chain lock during the fsync. */
  private void forceWritten() throws IOException {
    FileChannel ch;
    long upTo;
    String hash;
    chainLock.lock();
    try {
      if (stopped || failure != null || !dirty) {
        return;
      }
      ch = channel;
      upTo = seq;
      hash = prevHashText();
      dirty = false; // a leader writing during the fsync sets it again
    } finally {
      chainLock.unlock();
    }
    try {
      ch.force(false);
    } catch (ClosedChannelException e) {
      // Rotation, restore or close replaced the channel meanwhile; each fsyncs the old file first.
      chainLock.lock();
      try {
        if (ch == channel && !stopped) {
          throw e;
        }
      } finally {
        chainLock.unlock();
      }
    }
    chainLock.lock();
    try {
      if (upTo > durableSeq && failure == null && !stopped) {
        durableSeq = upTo;
        durableHash = hash;
        sealHead(false);
      }
      lastForceNanos = System.nanoTime();
    } finally {
      chainLock.unlock();
    }
  }

  private void run() {
    try {
      while (true) {
        Entry first = queue.poll(pollNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
          chainLock.lock();
          try {
            timedWork();
          } finally {
            chainLock.unlock();
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        chainLock.lock();
        try {
          if (processBatch()) {
            return;
          }
        } finally {
          chainLock.unlock();
        }
      }
    } catch (Throwable t) {
      die(t);
    } finally {
      if (serializer != null) {
        serializer.shutdown();
      }
    }
  }

  /**
   * The batch's events serialized, by index (null for barriers and for events the caller already
   * serialized), or null when the callers serialized every one; half of a large batch on the
   * helper thread meanwhile. A failure on either thread
   * is thrown here, as it would be had the writer serialized the event itself.
   */
  private EventJsonWriter.OpenEvent[] serializeBatch() throws Exception {
    int n = batch.size();
    if (allSerialized()) {
      return null; // the callers serialized every event (the default durability): nothing to do
    }
    EventJsonWriter.OpenEvent[] out = new EventJsonWriter.OpenEvent[n];
    Future<?> helper = null;
    int mine = n;
    if (serializer != null && n >= SPLIT_AT) {
      int half = n / 2;
      try {
        // batch is not changed until this method returns, and submit/get order the accesses.
        helper = serializer.submit(() -> serializeRange(out, half, n));
        mine = half;
      } catch (RejectedExecutionException e) {
        // only the writer's own exit shuts the helper down; serialize it all here all the same
      }
    }
    Throwable failed = null;
    try {
      serializeRange(out, 0, mine);
    } catch (RuntimeException | Error e) {
      failed = e;
    }
    if (helper != null) {
      // Waited for even when this half failed, so the helper is done reading the batch before
      // the failure clears it.
      try {
        helper.get();
      } catch (ExecutionException e) {
        failed = failed != null ? failed : e.getCause();
      }
    }
    if (failed instanceof Error err) {
      throw err;
    }
    if (failed != null) {
      throw (Exception) failed;
    }
    return out;
  }

  private boolean allSerialized() {
    for (int i = 0; i < batch.size(); i++) {
      if (batch.get(i).raw() != null) {
        return false;
      }
    }
    return true;
  }

  private void serializeRange(EventJsonWriter.OpenEvent[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      Entry e = batch.get(i);
      if (!e.isBarrier()) {
        out[i] = e.serialized();
      }
    }
  }

  /** Writes one batch; true when it held the close barrier. */
  private boolean processBatch() throws Exception {
    if (config.beforeWrite() != null) {
      config.beforeWrite().run();
    }
    ensureActiveFileIsOurs();
    boolean barrier = false;
    boolean close = false;
    EventJsonWriter.OpenEvent[] serialized = serializeBatch();
    for (int i = 0; i < batch.size(); i++) {
      Entry e = batch.get(i);
      if (e.isBarrier()) {
        barrier = true;
        close |= e.close();
      } else {
        if (e.seq() != seq + 1) {
          throw new IllegalStateException("chain position " + e.seq() + " handed out, but the next line is " + (seq + 1));
        }
        ChainLine.build(serialized != null ? serialized[i] : e.open(), seq + 1, prevHash, sha, mac, line);
        append(line.bytes, line.length);
        seq++;
        System.arraycopy(line.hash, 0, prevHash, 0, prevHash.length);
        eventsSinceCheckpoint++;
      }
      if (e.done() != null) {
        waiting.add(e.done());
      }
    }
    batch.clear();
    flushBuffer();
    writtenSeq = seq;
    if (config.mode() == Mode.WRITTEN) {
      if (!barrier) {
        // fsync is the background thread's work; a count checkpoint is signed here, by the leader
        // that crossed it, so it is there when that record() returns.
        if (checkpointDue(false)) {
          checkpoint();
        }
        return false;
      }
      force();
    } else if (config.mode() == Mode.PER_EVENT || barrier || intervalElapsed()) {
      force();
    }
    if (barrier) {
      sealHead(true);
    }
    if (checkpointDue(close)) {
      checkpoint();
    }
    if (close) {
      // A loss between the last batch and close would otherwise take acknowledged lines with it.
      ensureActiveFileIsOurs();
      channel.close();
      if (head != null) {
        head.close();
      }
    }
    waiting.forEach(f -> f.complete(null));
    waiting.clear();
    return close;
  }

  private void setPrevHash(String hex) {
    byte[] b = hex.getBytes(StandardCharsets.US_ASCII);
    if (b.length != prevHash.length) {
      throw new IllegalStateException("the chain head's hash is not " + prevHash.length + " hex digits: " + hex);
    }
    System.arraycopy(b, 0, prevHash, 0, b.length);
  }

  private String prevHashText() {
    return new String(prevHash, StandardCharsets.US_ASCII);
  }

  private void timedWork() throws Exception {
    if (dirty && intervalElapsed()) {
      force();
    }
    if (checkpointDue(false)) {
      checkpoint();
    }
  }

  private long pollNanos() {
    long wait = Long.MAX_VALUE;
    if (config.fsyncInterval() != null) {
      wait = Math.min(wait, config.fsyncInterval().toNanos());
    }
    if (config.signing() != null && config.signing().every() != null) {
      wait = Math.min(wait, config.signing().every().toNanos());
    }
    return wait == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1) : Math.max(wait / 2, 1_000_000);
  }

  private boolean intervalElapsed() {
    return config.fsyncInterval() != null
        && System.nanoTime() - lastForceNanos >= config.fsyncInterval().toNanos();
  }

  private boolean checkpointDue(boolean closing) {
    Signing s = config.signing();
    if (s == null || eventsSinceCheckpoint == 0 || seq == 0) {
      return false;
    }
    return closing
        || (s.everyEvents() > 0 && eventsSinceCheckpoint >= s.everyEvents())
        || (s.every() != null && System.nanoTime() - lastCheckpointNanos >= s.every().toNanos());
  }

  private void checkpoint() throws Exception {
    force(); // a checkpoint vouches only for lines already on disk
    Signing s = config.signing();
    String jws =
        CheckpointCodec.sign(
            s.signer(), s.algorithm(), s.keyId(),
            new CheckpointCodec.Checkpoint(
                config.path().getFileName().toString(), config.replicaId(), seq, prevHashText(),
                config.clock().instant()));
    CheckpointCodec.write(CheckpointCodec.sidecar(config.path()), jws);
    eventsSinceCheckpoint = 0;
    lastCheckpointNanos = System.nanoTime();
  }

  private void append(byte[] line, int length) throws IOException {
    long used = fileBytes + buffer.position();
    if (used > 0 && used + length > config.maxFileBytes()) {
      flushBuffer();
      rotate();
    }
    if (fileBytes == 0 && buffer.position() == 0) {
      fileFirstSeq = seq + 1;
    }
    if (length > buffer.remaining()) {
      flushBuffer();
    }
    if (length > buffer.capacity()) {
      writeFully(ByteBuffer.wrap(line, 0, length));
      fileBytes += length;
    } else {
      buffer.put(line, 0, length);
    }
  }

  private void flushBuffer() throws IOException {
    if (buffer.position() == 0) {
      return;
    }
    buffer.flip();
    int n = buffer.remaining();
    writeFully(buffer);
    buffer.clear();
    fileBytes += n;
  }

  /**
   * Writes with {@link RandomAccessFile#write}, not the channel: in WRITTEN mode request threads
   * write, and an interrupt of one during FileChannel I/O would close the file for every caller.
   * RandomAccessFile writes are not interruptible; they share the channel's file position.
   */
  private void writeFully(ByteBuffer b) throws IOException {
    file.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
    b.position(b.limit());
    dirty = true;
  }

  private void force() throws IOException {
    if (dirty) {
      channel.force(false);
      dirty = false;
    }
    lastForceNanos = System.nanoTime();
    durableSeq = seq;
    durableHash = prevHashText();
    sealHead(false);
  }

  /**
   * Seals the durable head. The head is rewritten after every data fsync but itself fsynced only
   * on sync, close and rotation, so per-event durability keeps one fsync per batch: a power loss
   * can leave the head behind the chain, which verifies (lines past the head still need the key),
   * while for anyone on the running system the head is always current.
   */
  private void sealHead(boolean durable) throws IOException {
    if (head == null) {
      return;
    }
    if (sealedSeq != durableSeq) {
      head.write(durableSeq, durableHash);
      sealedSeq = durableSeq;
    }
    if (durable) {
      head.force();
    }
  }

  private void rotate() throws IOException {
    force();
    sealHead(true);
    channel.close();
    Path active = config.path();
    Files.move(active, ChainFiles.rotatedName(active, fileFirstSeq));
    forceDirectory();
    openActive();
  }

  private void openActive() throws IOException {
    Path active = config.path();
    // READ (not APPEND) so a deleted or replaced file can be restored from this descriptor; the
    // single writer keeps the position at the end.
    file = new RandomAccessFile(active.toFile(), "rw"); // creates it; closing the channel closes it
    channel = file.getChannel();
    fileBytes = channel.size();
    channel.position(fileBytes);
    fileKey = fileKeyAt(active);
    fileFirstSeq = fileBytes == 0 ? 0 : ChainFiles.firstSeq(active);
    forceDirectory();
  }

  /** The file key (device and inode) at {@code p}, or null when missing or not supported. */
  private static Object fileKeyAt(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * Before each batch: is the file at the path still the one this descriptor writes? If not,
   * restores it from the descriptor (see {@link ActiveFileLoss}), then continues or fails.
   */
  private void ensureActiveFileIsOurs() throws IOException {
    if (fileKey == null) {
      return; // this file system has no file keys: nothing cheap to compare
    }
    Path active = config.path();
    Object now = fileKeyAt(active);
    if (fileKey.equals(now)) {
      return;
    }
    String what = now == null ? "deleted" : "replaced";
    Path displaced = null;
    if (now != null) {
      displaced = active.resolveSibling(active.getFileName() + ".displaced-" + System.currentTimeMillis());
      Files.move(active, displaced);
    }
    long bytes = channel.size();
    Path tmp = active.resolveSibling(active.getFileName() + ".restoring");
    try (FileChannel out =
        FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      long pos = 0;
      while (pos < bytes) {
        pos += channel.transferTo(pos, bytes - pos, out);
      }
      out.force(true);
    }
    Files.move(tmp, active, StandardCopyOption.ATOMIC_MOVE);
    channel.close();
    openActive();
    if (head != null) {
      head.reopen(); // it may have gone the same way
      sealedSeq = -1;
      sealHead(true);
    }
    LOG.warn(
        "audit file {} was {} while open; restored its {} bytes (through seq {}) from the open descriptor{}",
        active, what, bytes, seq, displaced == null ? "" : "; the file found in its place is kept as " + displaced);
    if (config.onActiveFileLost() == ActiveFileLoss.FAIL) {
      throw new IOException(
          "audit file " + active + " was " + what + " while open (restored through seq " + seq
              + "); onActiveFileLost(FAIL) stops the recorder");
    }
  }

  private void forceDirectory() throws IOException {
    // A new or renamed file is only durable once its directory entry is.
    try (FileChannel dir = FileChannel.open(config.path().toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  private void die(Throwable t) {
    failure = t;
    IOException cause = t instanceof IOException io ? io : new IOException("audit writer failed: " + t, t);
    waiting.forEach(f -> f.completeExceptionally(cause));
    waiting.clear();
    batch.forEach(e -> fail(e, cause));
    batch.clear();
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException ignored) {
      // already failing; the first error is the one reported
    }
    if (config.mode() == Mode.WRITTEN) {
      return; // callers check failure under the chain lock; nobody waits on a future
    }
    // Keep failing whatever still arrives until closed, so no caller waits for nothing.
    while (true) {
      try {
        Entry e = queue.take();
        fail(e, cause);
        if (e.close()) {
          return;
        }
      } catch (InterruptedException ie) {
        return;
      }
    }
  }

  private static void fail(Entry e, IOException cause) {
    if (e.done() != null) {
      if (e.close()) {
        e.done().complete(null);
      } else {
        e.done().completeExceptionally(cause);
      }
    }
  }

  /** Waits for the writer thread to end (after a close barrier). */
  public void join(Duration timeout) throws InterruptedException {
    thread.join(Math.max(1, timeout.toMillis()));
  }
}
