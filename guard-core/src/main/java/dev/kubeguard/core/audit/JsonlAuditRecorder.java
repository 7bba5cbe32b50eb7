package dev.kubeguard.core.audit;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.api.spi.RecordingException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Records audit events as a tamper-evident hash chain in JSON Lines files.
 *
 * <h2>Format</h2>
 *
 * Every line is one {@code audit.k8s.io/v1} Event as {@link AuditEventJson} writes it (compact,
 * fields in Kubernetes' order, annotations sorted), so tools that read kube-apiserver audit logs
 * read it, except that the annotations end with the chain entries, always in this order and
 * always last on the line:
 *
 * <pre>
 * ...,"annotations":{...,"kubeguard.dev/seq":"42","kubeguard.dev/prev-hash":"&lt;hex&gt;","kubeguard.dev/hash":"&lt;hex&gt;","kubeguard.dev/mac":"&lt;hex&gt;"}}
 * </pre>
 *
 * <ul>
 *   <li>{@code seq}: 1 for the first event of the chain, then +1 per line, across files;
 *   <li>{@code prev-hash}: the previous line's {@code hash}; 64 zeros on line 1 of the chain;
 *   <li>{@code hash}: lower-case hex SHA-256 of the line's UTF-8 bytes from the first byte up to,
 *       not including, the hash value itself (so it covers the whole event, its seq and the
 *       previous hash). The canonical encoding is the bytes as written: nothing is re-serialized
 *       to verify.
 *   <li>{@code mac}: lower-case hex HMAC-SHA256, under the {@link ChainKey}, of the hash's 64 hex
 *       characters; absent on an {@link Builder#unkeyedForDevelopment()} chain. Without the key
 *       nobody can make a line whose mac verifies, so an edit (even with recomputed hashes) or a
 *       forged line shows.
 * </ul>
 *
 * <b>Sealed head</b> (keyed chains): after every fsync the writer rewrites
 * {@code <path>.head} in place with the last durable seq and hash, sealed with the key, so a cut
 * tail or an emptied or deleted file shows to {@link AuditVerifier} with the key. It is fsynced
 * itself on {@link #sync()}, rotation and {@link #close()}; a power loss can leave it behind the
 * chain, which still verifies. A restart refuses a chain that no longer reaches its head.
 * <b>Active file lost</b>: see {@link ActiveFileLoss}.
 *
 * <b>Rotation</b>: before a line would take the active file ({@code path}) past
 * {@code maxFileBytes}, the file is fsynced and renamed {@code <stem>-<first seq, 20 digits><ext>}
 * ({@code audit-00000000000000000001.jsonl}), and a new active file starts; the chain simply
 * continues (the new file's first {@code prev-hash} is the old file's last {@code hash}). Name
 * order is chain order, the active file last. <b>Restart</b>: the recorder continues the chain
 * found at {@code path}; an unterminated last line (a crash mid-write, never acknowledged) is cut
 * off first. <b>Checkpoints</b>: see {@link AuditCheckpoints}; they name the recorder's
 * {@link Builder#replicaId replica}, so each replica's stream verifies on its own.
 *
 * <h2>Chain positions for sinks</h2>
 *
 * An event's {@code seq} is fixed when {@link #record} accepts it. A recorder composed after this
 * one ({@code Recorder.composite(jsonl, sink)}) asks {@link #positionOf(AuditEvent)} on the same
 * thread for the position the event just got, so copies sent elsewhere keep their place in the
 * chain.
 *
 * <h2>Durability and back-pressure</h2>
 *
 * {@link #record} queues the event in chain order on a bounded queue (serialized on the calling
 * thread, except with interval durability, where the writer thread serializes it: events are
 * deeply immutable); if the queue stays full for {@code offerTimeout}, {@code record} throws.
 * Then, by {@link Durability} (see its table):
 *
 * <ul>
 *   <li>{@link Durability#DEFAULT} / {@link Durability#written written}: the calling thread writes
 *       its line (and every other pending one) to the file itself unless a concurrent caller
 *       already has, waiting at most {@code ackTimeout} for the chain; a background thread fsyncs
 *       every {@code fsyncEvery}. <b>Acknowledged means {@code record} returned</b>: the line's
 *       {@code write(2)} completed, so a crash or kill -9 of the process loses nothing
 *       acknowledged; a power cut loses at most the last {@code fsyncEvery}.
 *   <li>{@link Durability#perEvent()}: the writer thread writes and fsyncs; {@code record} waits
 *       (up to {@code ackTimeout}) for that fsync, shared by every caller in the batch (group
 *       commit). <b>Acknowledged means {@code record} returned</b>; not even a power cut loses it.
 *   <li>{@link Durability#interval}: {@code record} returns at once; the writer thread writes and
 *       fsyncs every {@code interval}. It serializes the events too, sharing a batch of 32 or more
 *       with a second daemon thread ({@code kubeguard-audit-serializer}, on more than one core). <b>Acknowledged means a {@link #sync()} (or
 *       {@link #close()}) called after that {@code record} returned has returned.</b>
 * </ul>
 *
 * A crash loses no acknowledged event and leaves at most one unterminated last line, which
 * {@link AuditVerifier} reports as such. After a power cut the sealed head may be behind the
 * chain (it is fsynced on sync, rotation and close), never ahead of it: it vouches only for lines
 * already fsynced, so the trail still verifies and a restart continues it.
 *
 * <h2>Failure</h2>
 *
 * Any I/O error (or checkpoint signing error) kills the writer: waiting callers and every later
 * {@code record} get a {@link RecordingException}, and the Guard then denies, failing closed. A
 * recorder is not restarted automatically: build a new one. Events with level {@code None} are
 * ignored.
 *
 * <p><b>Threading</b>: {@code record}, {@code sync} and {@code close} may be called from any thread.
 * Only one recorder may write a given path at a time (not enforced across processes).
 */
public final class JsonlAuditRecorder implements Recorder {

  private final ChainWriter writer;
  private final ChainWriter.Mode mode;
  private final Duration offerTimeout;
  private final Duration ackTimeout;
  private final String replicaId;
  private final String chainName;
  // The last event each thread recorded here, with its position (see positionOf): one holder per
  // thread, updated in place, so a recorded event costs no position object nobody asks for.
  private final ThreadLocal<Recorded> lastRecorded = ThreadLocal.withInitial(Recorded::new);
  private volatile boolean closed;

  private static final class Recorded {
    AuditEvent event;
    long seq;
  }

  private JsonlAuditRecorder(Builder b) throws IOException {
    this.offerTimeout = b.offerTimeout;
    this.ackTimeout = b.ackTimeout;
    this.replicaId = b.replicaId;
    this.chainName = b.path.getFileName().toString();
    Duration interval;
    if (b.durability instanceof Durability.Written w) {
      this.mode = ChainWriter.Mode.WRITTEN;
      interval = w.fsyncEvery();
    } else if (b.durability instanceof Durability.Interval i) {
      this.mode = ChainWriter.Mode.QUEUED;
      interval = i.interval();
    } else {
      this.mode = ChainWriter.Mode.PER_EVENT;
      interval = null;
    }
    ChainWriter.Signing signing =
        b.checkpoints == null
            ? null
            : new ChainWriter.Signing(
                b.checkpoints.signer(), b.checkpoints.algorithm(), b.checkpoints.keyId(),
                b.checkpoints.everyEvents(), b.checkpoints.every());
    this.writer =
        new ChainWriter(
            new ChainWriter.Config(
                b.path, b.maxFileBytes, mode, interval, b.queueCapacity, signing, b.beforeWrite, b.clock, b.chainKey,
                b.onActiveFileLost, b.replicaId));
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Accepts {@code event}: see the class javadoc for what returning means under each durability.
   *
   * @throws RecordingException when the queue stays full, the line is not durable within the ack
   *     timeout, the writer has failed, or the recorder is closed
   */
  @Override
  public void record(AuditEvent event) throws RecordingException {
    Objects.requireNonNull(event, "event");
    if (event.level() == AuditLevel.NONE) {
      return;
    }
    ensureUsable();
    // Queued (interval) durability leaves serializing to the writer thread, off the request path;
    // the others serialize here, so the writer (or a leader) only chains and writes.
    boolean queued = mode == ChainWriter.Mode.QUEUED;
    // the others' bytes are lent from a spare writer: they hold while this call waits for its
    // line, and are left to the queue if it returns before knowing it was written
    EventJsonWriter.OpenEvent open = queued ? null : EventJsonWriter.writeOpenLent(event);
    CompletableFuture<Void> durable = mode == ChainWriter.Mode.PER_EVENT ? new CompletableFuture<>() : null;
    long seq;
    try {
      seq = writer.submit(open, queued ? event : null, durable, offerTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RecordingException("interrupted while queueing an audit event", e);
    }
    if (seq == 0) {
      ensureUsable();
      throw new RecordingException(
          "audit queue full for " + offerTimeout + ": the writer cannot keep up or is stuck on I/O");
    }
    if (mode == ChainWriter.Mode.PER_EVENT) {
      await(durable, "audit event not fsynced within " + ackTimeout);
    } else if (mode == ChainWriter.Mode.WRITTEN) {
      writeThrough(seq);
    }
    // reached only once the line is written: every way out before it leaves the bytes lent
    if (open != null) {
      EventJsonWriter.giveBack(open);
    }
    Recorded last = lastRecorded.get();
    last.event = event;
    last.seq = seq;
  }

  /**
   * The chain position {@code event} got, when the last event this thread recorded through this
   * recorder is that very instance (as {@code Recorder.composite} hands it on); empty otherwise
   * (another event, a {@code None}-level event, a failed {@code record}, another thread).
   * Thread-confined, never blocks.
   */
  public Optional<ChainPosition> positionOf(AuditEvent event) {
    Recorded r = lastRecorded.get();
    return r.event == event ? Optional.of(new ChainPosition(replicaId, chainName, r.seq)) : Optional.empty();
  }

  /** The replica id this recorder names in its checkpoints and positions; {@code ""} when unset. */
  public String replicaId() {
    return replicaId;
  }

  /**
   * Returns once every event recorded before this call is written and fsynced.
   *
   * @throws RecordingException when the writer failed or did not get there within the ack timeout
   */
  public void sync() throws RecordingException {
    ensureUsable();
    await(barrier(false, offerTimeout), "audit sync not done within " + ackTimeout);
  }

  /** Writes and fsyncs what was accepted, signs a final checkpoint if configured, and stops. */
  @Override
  public void close() throws RecordingException {
    if (closed) {
      return;
    }
    closed = true;
    // The close barrier may wait as long as an fsync may take: the queue drains meanwhile.
    await(barrier(true, ackTimeout), "audit recorder did not close within " + ackTimeout);
    try {
      writer.join(ackTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.failure() != null) {
      throw new RecordingException("audit writer had failed: " + writer.failure(), writer.failure());
    }
  }

  /** Sequence number of the last event covered by a completed fsync (0 when none). */
  public long durableSeq() {
    return writer.durableSeq();
  }

  private CompletableFuture<Void> barrier(boolean close, Duration wait) throws RecordingException {
    try {
      CompletableFuture<Void> f = writer.barrier(close, wait);
      if (f == null) {
        throw new RecordingException("audit queue full for " + wait);
      }
      return f;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RecordingException("interrupted", e);
    }
  }

  private void await(CompletableFuture<Void> f, String timeoutMessage) throws RecordingException {
    try {
      f.get(ackTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new RecordingException("audit writer failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new RecordingException(timeoutMessage, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RecordingException("interrupted while waiting for the audit writer", e);
    }
  }

  private void writeThrough(long seq) throws RecordingException {
    try {
      writer.writeThrough(seq, ackTimeout);
    } catch (IOException e) {
      throw new RecordingException("audit writer failed: " + e.getMessage(), e);
    } catch (TimeoutException e) {
      throw new RecordingException("audit event not written within " + ackTimeout + ": the writer is stuck on I/O", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RecordingException("interrupted while writing an audit event", e);
    }
  }

  private void ensureUsable() throws RecordingException {
    Throwable failure = writer.failure();
    if (failure != null) {
      throw new RecordingException("audit writer is dead after: " + failure.getMessage(), failure);
    }
    if (closed) {
      throw new RecordingException("audit recorder is closed");
    }
  }

  private static final Pattern REPLICA_ID = Pattern.compile("[A-Za-z0-9._:-]{1,253}");

  /** Configures a {@link JsonlAuditRecorder}; {@link #build()} checks the settings. Not thread-safe. */
  public static final class Builder {
    private Path path;
    private long maxFileBytes = 100L << 20;
    private Durability durability = Durability.DEFAULT;
    private int queueCapacity = 8192;
    private Duration offerTimeout = Duration.ofMillis(100);
    private Duration ackTimeout = Duration.ofSeconds(5);
    private AuditCheckpoints checkpoints;
    private Runnable beforeWrite;
    private Clock clock = Clock.systemUTC();
    private ChainKey chainKey;
    private boolean unkeyed;
    private ActiveFileLoss onActiveFileLost = ActiveFileLoss.RECOVER;
    private String replicaId = "";

    private Builder() {}

    /**
     * The replica this process is (the pod name, say): signed checkpoints and {@link
     * ChainPosition}s carry it, so with many replicas each stream is verified on its own
     * ({@code AuditVerifier.Options#forReplica}). Letters, digits, {@code . _ : -}, at most 253.
     * Default none ({@code ""}).
     */
    public Builder replicaId(String replicaId) {
      this.replicaId = replicaId;
      return this;
    }

    /**
     * The chain key (HMAC-SHA256): every line gets a {@code kubeguard.dev/mac} and the head is
     * sealed in {@code <path>.head}, so an edited, forged, reordered or cut trail fails
     * {@link AuditVerifier} with the key. Required unless {@link #unkeyedForDevelopment()}. Load
     * it with {@link ChainKey#fromFile} or {@link ChainKey#fromEnv}, never from the audit directory.
     */
    public Builder chainKey(ChainKey chainKey) {
      this.chainKey = chainKey;
      return this;
    }

    /**
     * Development and tests only: a plain SHA-256 chain with no key and no sealed head. Anyone who
     * can write the file can rewrite it so it still verifies (recompute the hashes, cut the tail,
     * empty it); only signed {@link #checkpoints} then show tampering. Never use in production.
     */
    public Builder unkeyedForDevelopment() {
      this.unkeyed = true;
      return this;
    }

    /** What to do when the active file is deleted or replaced while open; default {@link ActiveFileLoss#RECOVER}. */
    public Builder onActiveFileLost(ActiveFileLoss onActiveFileLost) {
      this.onActiveFileLost = onActiveFileLost;
      return this;
    }

    /** The active file ({@code /var/log/kubeguard/audit.jsonl}); its directory is created. Required. */
    public Builder path(Path path) {
      this.path = path;
      return this;
    }

    /** Rotate before a file would exceed this size; default 100 MiB. */
    public Builder maxFileBytes(long maxFileBytes) {
      this.maxFileBytes = maxFileBytes;
      return this;
    }

    /**
     * When {@code record()} returns; default {@link Durability#DEFAULT} (written to the operating
     * system, fsync every second). See {@link Durability} for what each setting survives.
     */
    public Builder durability(Durability durability) {
      this.durability = durability;
      return this;
    }

    /** Events that may wait for the writer; default 8192. */
    public Builder queueCapacity(int queueCapacity) {
      this.queueCapacity = queueCapacity;
      return this;
    }

    /** How long {@code record} waits for room in a full queue before it throws; default 100 ms. */
    public Builder offerTimeout(Duration offerTimeout) {
      this.offerTimeout = offerTimeout;
      return this;
    }

    /**
     * How long {@code record} waits for its line to be written (written durability) or fsynced
     * (per-event), and {@code sync} and {@code close} for the fsync; default 5 s.
     */
    public Builder ackTimeout(Duration ackTimeout) {
      this.ackTimeout = ackTimeout;
      return this;
    }

    /** Signed checkpoints of the chain head; default none. */
    public Builder checkpoints(AuditCheckpoints checkpoints) {
      this.checkpoints = checkpoints;
      return this;
    }

    /** Clock for checkpoint times; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Test hook: runs on the writer thread before each batch is written (to simulate slow disks). */
    Builder beforeWrite(Runnable hook) {
      this.beforeWrite = hook;
      return this;
    }

    /**
     * Opens (or continues) the chain and starts the writer thread.
     *
     * @throws IllegalStateException naming the setting to fix
     * @throws IOException when the directory or the existing chain cannot be opened
     */
    public JsonlAuditRecorder build() throws IOException {
      if (path == null) {
        throw new IllegalStateException("JsonlAuditRecorder needs path(Path): where to write audit.jsonl");
      }
      if (chainKey == null && !unkeyed) {
        throw new IllegalStateException(
            "JsonlAuditRecorder needs chainKey(ChainKey.fromFile(path)) or chainKey(ChainKey.fromEnv(\""
                + ChainKey.ENV + "\")): without a key, whoever can write " + path.getFileName()
                + " can rewrite it undetectably (for tests and development only: unkeyedForDevelopment())");
      }
      if (chainKey != null && unkeyed) {
        throw new IllegalStateException("set chainKey(...) or unkeyedForDevelopment(), not both");
      }
      if (replicaId == null || (!replicaId.isEmpty() && !REPLICA_ID.matcher(replicaId).matches())) {
        throw new IllegalStateException(
            "replicaId must be 1-253 letters, digits, '.', '_', ':' or '-' (the pod name, say), got '" + replicaId + "'");
      }
      if (onActiveFileLost == null) {
        throw new IllegalStateException("onActiveFileLost must be ActiveFileLoss.RECOVER or FAIL");
      }
      if (maxFileBytes < 4096) {
        throw new IllegalStateException("maxFileBytes must be at least 4096, got " + maxFileBytes);
      }
      if (durability == null) {
        throw new IllegalStateException(
            "durability must be Durability.DEFAULT, Durability.written(d), Durability.perEvent() or Durability.interval(d)");
      }
      if (queueCapacity < 1) {
        throw new IllegalStateException("queueCapacity must be at least 1, got " + queueCapacity);
      }
      requirePositive(offerTimeout, "offerTimeout", true);
      requirePositive(ackTimeout, "ackTimeout", false);
      if (clock == null) {
        throw new IllegalStateException("clock must not be null");
      }
      return new JsonlAuditRecorder(this);
    }

    private static void requirePositive(Duration d, String name, boolean zeroOk) {
      if (d == null || d.isNegative() || (!zeroOk && d.isZero())) {
        throw new IllegalStateException(name + " must be " + (zeroOk ? ">= 0" : "> 0") + ", got " + d);
      }
    }
  }
}
