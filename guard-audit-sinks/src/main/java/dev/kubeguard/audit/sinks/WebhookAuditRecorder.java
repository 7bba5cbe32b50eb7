package dev.kubeguard.audit.sinks;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.api.spi.RecordingException;
import dev.kubeguard.core.audit.ChainKey;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the audit trail to a Kubernetes audit webhook, as kube-apiserver's
 * {@code --audit-webhook-config-file} backend does: {@code audit.k8s.io/v1 EventList} batches,
 * JSON, POSTed to the server a kubeconfig-format file names, with its CA, client certificate or
 * token. Falco's k8saudit plugin, SIEM forwarders and audit collectors take it as they take the
 * cluster's own.
 *
 * <pre>{@code
 * JsonlAuditRecorder chain = JsonlAuditRecorder.builder().path(trail).chainKey(key).replicaId(pod).build();
 * WebhookAuditRecorder webhook = WebhookAuditRecorder.builder()
 *     .config(WebhookConfig.fromKubeconfig(Path.of("/etc/kubeguard/audit-webhook.yaml")))
 *     .chain(chain).spool(Path.of("/var/lib/kubeguard/webhook-spool"), spoolKey).build();
 * Recorder recorder = Recorder.composite(chain, webhook);
 * }</pre>
 *
 * <h2>What "recorded" means</h2>
 *
 * {@link #record} returns once the event is fsynced in a local <b>spool</b> (a keyed
 * {@link JsonlAuditRecorder}, used as write-ahead log): from then on it is delivered even across
 * a crash or restart, in spool order, before anything later. One sender thread batches the spool
 * like the apiserver's batch backend ({@link Batching}: max batch size, max wait, throttle
 * QPS/burst), retries a failed batch (connection error, timeout, any non-2xx including 429 and
 * 5xx) with exponential backoff honouring {@code Retry-After}, and only after a 2xx moves a
 * durable cursor past it. So the endpoint sees every spooled event, in order, and a batch again
 * only if its 2xx was lost (a timeout after the server kept it, or a crash between the 2xx and
 * the cursor's fsync): delivery is at-least-once on the wire, and each event's
 * {@code kubeguard.dev/replica} + {@code kubeguard.dev/chain-seq} let a receiver drop a repeat.
 *
 * <p>Each event carries its chain position ({@code kubeguard.dev/chain-seq},
 * {@code kubeguard.dev/replica}, {@code kubeguard.dev/chain}) and its {@code auditID}, so the
 * copy can be checked against the line of the replica's hash chain that vouches for it.
 *
 * <h2>Failure</h2>
 *
 * The spool holds at most {@code bufferSize} undelivered events. When it is full, {@link WhenFull}
 * decides: {@code DENY} (default) throws {@link RecordingException} (the Guard denies), {@code
 * DROP} leaves the event out of this stream and later records how many were dropped. A spool
 * that fails to write, or that the sender cannot read, makes every later {@code record} throw.
 * On start the spool of an earlier run is verified with its key and drained first; a spool that
 * fails verification stops the build. Events with level {@code None} are ignored.
 *
 * <p><b>Threading:</b> {@code record} and {@code close} may be called from any thread; compose it
 * after its chain ({@code Recorder.composite(chain, webhook)}) so each call runs on the thread
 * that just recorded the event in the chain. Never logs tokens or event bodies.
 */
public final class WebhookAuditRecorder implements Recorder {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookAuditRecorder.class);
  private static final String NAME = "WebhookAuditRecorder";

  /**
   * Batching, as kube-apiserver's {@code --audit-webhook-batch-*} flags, with their defaults.
   *
   * @param bufferSize undelivered events the spool may hold ({@code -batch-buffer-size}, 10000)
   * @param maxBatchSize events per request ({@code -batch-max-size}, 400)
   * @param maxBatchWait how long a partial batch waits to fill ({@code -batch-max-wait}, 30 s)
   * @param throttleQps batches per second on average, 0 = no throttle ({@code -batch-throttle-qps}, 10)
   * @param throttleBurst batches at once when the QPS was not used ({@code -batch-throttle-burst}, 15)
   * @param initialBackoff the first retry's wait ({@code --audit-webhook-initial-backoff}, 10 s)
   * @param maxBackoff the longest wait between retries (5 min)
   */
  public record Batching(
      int bufferSize, int maxBatchSize, Duration maxBatchWait, double throttleQps, int throttleBurst,
      Duration initialBackoff, Duration maxBackoff) {

    public Batching {
      require(bufferSize >= 1, "bufferSize must be at least 1, got " + bufferSize);
      require(maxBatchSize >= 1, "maxBatchSize must be at least 1, got " + maxBatchSize);
      require(positive(maxBatchWait), "maxBatchWait must be positive, got " + maxBatchWait);
      require(throttleQps >= 0 && !Double.isNaN(throttleQps), "throttleQps must be >= 0 (0 = off), got " + throttleQps);
      require(throttleBurst >= 1, "throttleBurst must be at least 1, got " + throttleBurst);
      require(positive(initialBackoff), "initialBackoff must be positive, got " + initialBackoff);
      require(positive(maxBackoff) && maxBackoff.compareTo(initialBackoff) >= 0,
          "maxBackoff must be at least initialBackoff, got " + maxBackoff);
    }

    /** kube-apiserver's defaults. */
    public static Batching defaults() {
      return new Batching(10_000, 400, Duration.ofSeconds(30), 10, 15, Duration.ofSeconds(10), Duration.ofMinutes(5));
    }

    public Batching withBufferSize(int n) {
      return new Batching(n, maxBatchSize, maxBatchWait, throttleQps, throttleBurst, initialBackoff, maxBackoff);
    }

    public Batching withMaxBatch(int size, Duration wait) {
      return new Batching(bufferSize, size, wait, throttleQps, throttleBurst, initialBackoff, maxBackoff);
    }

    public Batching withThrottle(double qps, int burst) {
      return new Batching(bufferSize, maxBatchSize, maxBatchWait, qps, burst, initialBackoff, maxBackoff);
    }

    public Batching withBackoff(Duration initial, Duration max) {
      return new Batching(bufferSize, maxBatchSize, maxBatchWait, throttleQps, throttleBurst, initial, max);
    }

    private static boolean positive(Duration d) {
      return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }

  private final JsonlAuditRecorder chain;
  private final Spool spool;
  private final WebhookSender sender;
  private final WebhookConfig config;
  private final Batching batching;
  private final WhenFull whenFull;
  private final Duration closeTimeout;
  private final DropLedger drops;
  // Spool slots taken by events not yet delivered (bounded by bufferSize).
  private final Slots slots;
  private volatile boolean closed;

  private WebhookAuditRecorder(Builder b, Spool spool) {
    this.chain = b.chain;
    this.spool = spool;
    this.config = b.config;
    this.batching = b.batching;
    this.whenFull = b.whenFull;
    this.closeTimeout = b.closeTimeout;
    this.drops = new DropLedger(NAME + " " + b.config.server(), b.clock);
    this.slots = new Slots(b.batching.bufferSize(), spool.durableSeq() - spool.deliveredAtOpen());
    HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(b.connectTimeout).followRedirects(HttpClient.Redirect.NEVER);
    if ("https".equalsIgnoreCase(b.config.server().getScheme())) {
      hb.sslContext(TlsContexts.forConfig(b.config));
    }
    this.sender =
        new WebhookSender(spool, hb.build(), b.config, b.batching, b.requestTimeout, new WebhookSender.Host() {
          @Override
          public void acknowledged(int events) {
            slots.release(events);
          }

          @Override
          public void idle() {
            reportDrops();
          }
        });
    long backlog = slots.inUse();
    if (backlog > 0) {
      LOG.info("audit webhook {}: {} events spooled by an earlier run are delivered first", config.server(), backlog);
    }
    sender.start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Spools the event (fsynced) for delivery, with its chain position.
   *
   * @throws RecordingException when the chain gave the event no position (wrong composition), the
   *     spool is full under {@link WhenFull#DENY}, the spool cannot be written, the sender has
   *     failed, or the recorder is closed
   */
  @Override
  public void record(AuditEvent event) throws RecordingException {
    Objects.requireNonNull(event, "event");
    if (event.level() == AuditLevel.NONE) {
      return;
    }
    ensureUsable();
    AuditEvent stamped = ChainStamp.stamp(event, chain, NAME);
    if (!slots.take()) {
      full(stamped);
      return;
    }
    try {
      spool.append(stamped);
    } catch (RecordingException | RuntimeException e) {
      slots.release(1);
      throw e;
    }
    sender.wake();
  }

  private void full(AuditEvent stamped) throws RecordingException {
    if (whenFull == WhenFull.DENY) {
      throw new RecordingException(
          "audit webhook spool is full (" + batching.bufferSize() + " undelivered events) for " + config.server()
              + ": the endpoint is down or too slow; whenFull(DENY) refuses the event");
    }
    long seq = Long.parseLong(stamped.annotations().get(ChainStamp.CHAIN_SEQ));
    long total = drops.dropped(seq);
    if (total == 1 || total % 1000 == 0) {
      LOG.warn("audit webhook spool is full for {}: {} events dropped from its stream so far (whenFull(DROP)); the"
          + " hash-chained file keeps them", config.server(), total);
    }
  }

  /** Records pending drops as one event in the chain and the spool, once there is room. */
  private void reportDrops() {
    drops.report(slots, closed, chain, NAME, spool::append);
  }

  private void ensureUsable() throws RecordingException {
    if (closed) {
      throw new RecordingException("audit webhook recorder is closed");
    }
    Throwable f = sender.failure();
    if (f != null) {
      throw new RecordingException("audit webhook sender stopped: " + f.getMessage(), f);
    }
  }

  /** Events dropped under {@link WhenFull#DROP} since this recorder started. */
  public long droppedCount() {
    return drops.total();
  }

  /** The last spool seq the endpoint acknowledged (diagnostics and tests). */
  public long deliveredSeq() {
    return sender.delivered();
  }

  /** The last spool seq fsynced (diagnostics and tests). */
  public long spooledSeq() {
    return spool.durableSeq();
  }

  /**
   * Sends what is spooled (without waiting for full batches) for up to the close timeout, then
   * stops the sender and closes the spool. What was not acknowledged by then stays spooled and is
   * delivered by the next recorder on the same spool: nothing accepted is lost.
   */
  @Override
  public void close() throws RecordingException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      sender.drainAndStop(closeTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long left = spool.durableSeq() - sender.delivered();
    if (left > 0) {
      LOG.warn("audit webhook {}: {} events not yet acknowledged stay in {} for the next start",
          config.server(), left, spool.path());
    }
    DropLedger.Pending p = drops.take();
    if (p != null) {
      LOG.warn("audit webhook {}: {} dropped events (chain seqs {}-{}) were not reported in its stream before close",
          config.server(), p.count(), p.firstSeq(), p.lastSeq());
    }
    spool.close();
  }

  /** Configures a {@link WebhookAuditRecorder}; {@link #build()} checks the settings. Not thread-safe. */
  public static final class Builder {
    private WebhookConfig config;
    private JsonlAuditRecorder chain;
    private Path spoolDir;
    private ChainKey spoolKey;
    private Batching batching = Batching.defaults();
    private WhenFull whenFull = WhenFull.DENY;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration closeTimeout = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The endpoint, usually {@link WebhookConfig#fromKubeconfig(Path)}. Required. */
    public Builder config(WebhookConfig config) {
      this.config = config;
      return this;
    }

    /** Shorthand for {@code config(WebhookConfig.fromKubeconfig(file))}. */
    public Builder kubeconfig(Path file) {
      this.config = WebhookConfig.fromKubeconfig(file);
      return this;
    }

    /**
     * The hash chain this sink is composed after, whose positions its events carry; it needs a
     * {@link JsonlAuditRecorder.Builder#replicaId replicaId}. Required.
     */
    public Builder chain(JsonlAuditRecorder chain) {
      this.chain = chain;
      return this;
    }

    /**
     * The spool directory (its own, not the trail's) and the key its chain is kept under. Required:
     * without a durable spool an accepted event could be lost in a crash.
     */
    public Builder spool(Path directory, ChainKey key) {
      this.spoolDir = directory;
      this.spoolKey = key;
      return this;
    }

    /** Default {@link Batching#defaults()}. */
    public Builder batching(Batching batching) {
      this.batching = batching;
      return this;
    }

    /** Default {@link WhenFull#DENY}. */
    public Builder whenFull(WhenFull whenFull) {
      this.whenFull = whenFull;
      return this;
    }

    /** How long one POST may take before it is retried; default 30 s. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = timeout;
      return this;
    }

    /** TCP/TLS connect timeout; default 10 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    /** How long {@link #close()} keeps delivering; default 10 s. */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = timeout;
      return this;
    }

    /** Clock for drop reports; default UTC. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Opens (verifying and resuming) the spool and starts the sender.
     *
     * @throws IllegalStateException naming the setting to fix
     * @throws IOException when the spool cannot be opened or fails verification
     */
    public WebhookAuditRecorder build() throws IOException {
      if (config == null) {
        throw new IllegalStateException(NAME + " needs config(WebhookConfig.fromKubeconfig(path)): where to send");
      }
      if (chain == null) {
        throw new IllegalStateException(
            NAME + " needs chain(jsonlAuditRecorder): the hash chain it is composed after, whose positions its events carry");
      }
      if (chain.replicaId().isEmpty()) {
        throw new IllegalStateException(
            NAME + ": the chain has no replicaId: set JsonlAuditRecorder.Builder.replicaId(pod name) so each replica's"
                + " stream can be told apart and verified on its own");
      }
      if (spoolDir == null || spoolKey == null) {
        throw new IllegalStateException(
            NAME + " needs spool(directory, ChainKey): the durable write-ahead log that keeps accepted events until"
                + " the endpoint acknowledges them");
      }
      if (batching == null || whenFull == null || clock == null) {
        throw new IllegalStateException(NAME + ": batching, whenFull and clock must not be null");
      }
      for (Duration d : new Duration[] {requestTimeout, connectTimeout, closeTimeout}) {
        if (d == null || d.isNegative() || d.isZero()) {
          throw new IllegalStateException(NAME + ": requestTimeout, connectTimeout and closeTimeout must be positive");
        }
      }
      Spool spool = Spool.open(spoolDir, spoolKey);
      try {
        return new WebhookAuditRecorder(this, spool);
      } catch (RuntimeException e) {
        try {
          spool.close();
        } catch (RecordingException ignored) {
          // the build error is the one reported
        }
        throw e;
      }
    }
  }
}
