package dev.kubeguard.audit.sinks;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.api.spi.RecordingException;
import dev.kubeguard.core.audit.AuditEventJson;
import dev.kubeguard.core.audit.JsonlAuditRecorder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporterBuilder;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Emits each audit event as an OpenTelemetry log record through the OpenTelemetry Java SDK's
 * OTLP exporter (HTTP/protobuf or gRPC), so any OpenTelemetry Collector pipeline takes the trail.
 * The body is the event's {@code audit.k8s.io/v1} JSON (as {@link AuditEventJson} writes it,
 * chain position annotations included); attributes carry its fields in the semantic-convention
 * style ({@code k8s.namespace.name}, {@code user.name}, {@code http.request.method},
 * {@code url.path}, {@code http.response.status_code}, {@code kubeguard.audit_id},
 * {@code kubeguard.chain.seq}, {@code kubeguard.replica}, ...); the timestamp is the event's
 * {@code stageTimestamp}; the resource names {@code service.name} and
 * {@code service.instance.id} (the replica). Compose it after its chain:
 * {@code Recorder.composite(chain, otlp)}.
 *
 * <h2>What "recorded" means</h2>
 *
 * {@link #record} returns once the record is queued <em>in memory</em> (at most
 * {@code queueCapacity} undelivered). One exporter thread sends batches in queue order and
 * retries a failed batch (the exporter's own retries for 429/502/503/504 first, then this
 * recorder's backoff, for any failure) until the Collector accepts it, so a running process
 * delivers every queued record once per acceptance, in order. A crash loses what was queued and
 * not yet exported: the hash-chained file (and {@link WebhookAuditRecorder}'s durable spool) are
 * the records that survive a crash; each OTLP record's {@code kubeguard.chain.seq} says which
 * chain line it copies.
 *
 * <h2>Failure</h2>
 *
 * A full queue applies {@link WhenFull}: {@code DENY} (default) throws {@link
 * RecordingException}, {@code DROP} leaves the event out and later records a
 * {@code kubeguard.dev/sink-dropped} event (in the chain and in this stream). {@link #close()}
 * keeps exporting for up to its timeout and then logs how many records it could not deliver.
 * Events with level {@code None} are ignored.
 *
 * <p><b>Threading:</b> {@code record} and {@code close} may be called from any thread. Header
 * values (credentials) are never logged; bodies are never logged.
 */
public final class OtlpAuditRecorder implements Recorder {

  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(OtlpAuditRecorder.class);
  private static final String NAME = "OtlpAuditRecorder";
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> SERVICE_INSTANCE = AttributeKey.stringKey("service.instance.id");

  /** The OTLP transport. */
  public enum Protocol {
    /** OTLP/HTTP with protobuf bodies, {@code POST <endpoint>} (default {@code http://localhost:4318/v1/logs}). */
    HTTP_PROTOBUF,
    /** OTLP/gRPC (default {@code http://localhost:4317}). */
    GRPC
  }

  private final JsonlAuditRecorder chain;
  private final SdkLoggerProvider provider;
  private final Logger logger;
  private final LogRecordExporter exporter;
  private final LinkedBlockingQueue<LogRecordData> queue = new LinkedBlockingQueue<>();
  private final AtomicLong exported = new AtomicLong();
  private final int capacity;
  private final Slots slots;
  private final int maxBatch;
  private final Duration scheduleDelay;
  private final Duration exportTimeout;
  private final Duration closeTimeout;
  private final Backoff backoff;
  private final WhenFull whenFull;
  private final DropLedger drops;
  private final String endpoint;
  private final Clock clock;
  private final Thread thread;
  private volatile boolean draining;
  private volatile boolean stopped;
  private volatile boolean closed;

  private OtlpAuditRecorder(Builder b, LogRecordExporter exporter) {
    this.chain = b.chain;
    this.exporter = exporter;
    this.capacity = b.queueCapacity;
    this.slots = new Slots(b.queueCapacity, 0);
    this.maxBatch = b.maxExportBatchSize;
    this.scheduleDelay = b.scheduleDelay;
    this.exportTimeout = b.exportTimeout;
    this.closeTimeout = b.closeTimeout;
    this.backoff = new Backoff(b.initialBackoff, b.maxBackoff);
    this.whenFull = b.whenFull;
    this.endpoint = b.endpoint.toString();
    this.clock = b.clock;
    this.drops = new DropLedger(NAME + " " + b.endpoint, b.clock);
    Resource resource =
        Resource.getDefault().merge(Resource.create(Attributes.of(
            SERVICE_NAME, b.serviceName, SERVICE_INSTANCE, b.chain.replicaId())));
    // The SDK builds each record (resource, scope, timestamps); this processor only queues it,
    // so back-pressure, ordering and retries stay ours rather than the batch processor's drops.
    LogRecordProcessor enqueue = (Context ctx, ReadWriteLogRecord r) -> queue.add(r.toLogRecordData());
    this.provider = SdkLoggerProvider.builder().setResource(resource).addLogRecordProcessor(enqueue).build();
    this.logger = provider.loggerBuilder("dev.kubeguard.audit").build();
    this.thread = new Thread(this::run, "kubeguard-audit-otlp");
    thread.setDaemon(true);
    thread.start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Queues the event as a log record with its chain position.
   *
   * @throws RecordingException when the chain gave the event no position (wrong composition), the
   *     queue is full under {@link WhenFull#DENY}, or the recorder is closed
   */
  @Override
  public void record(AuditEvent event) throws RecordingException {
    Objects.requireNonNull(event, "event");
    if (event.level() == AuditLevel.NONE) {
      return;
    }
    if (closed) {
      throw new RecordingException("OTLP audit recorder is closed");
    }
    AuditEvent stamped = ChainStamp.stamp(event, chain, NAME);
    long seq = Long.parseLong(stamped.annotations().get(ChainStamp.CHAIN_SEQ));
    if (!slots.take()) {
      if (whenFull == WhenFull.DENY) {
        throw new RecordingException(
            "OTLP audit queue is full (" + capacity + " records not yet exported to " + endpoint
                + "): the Collector is down or too slow; whenFull(DENY) refuses the event");
      }
      long total = drops.dropped(seq);
      if (total == 1 || total % 1000 == 0) {
        LOG.warn("OTLP audit queue is full for {}: {} events dropped from its stream so far (whenFull(DROP))", endpoint, total);
      }
      return;
    }
    try {
      emit(stamped, seq);
    } catch (RuntimeException e) {
      slots.release(1);
      throw new RecordingException("OpenTelemetry SDK refused the log record: " + e.getMessage(), e);
    }
  }

  private void emit(AuditEvent stamped, long seq) {
    String decision = stamped.annotations().getOrDefault("kubeguard.dev/decision", "");
    logger.logRecordBuilder()
        .setTimestamp(stamped.stageTimestamp())
        .setObservedTimestamp(clock.instant())
        .setSeverity(decision.equals("deny") ? Severity.WARN : Severity.INFO)
        .setSeverityText(decision.equals("deny") ? "WARN" : "INFO")
        .setEventName("kubeguard.audit")
        .setBody(AuditEventJson.toJson(stamped))
        .setAllAttributes(OtlpAttributes.of(stamped, seq))
        .emit();
  }

  private void reportDrops() {
    drops.report(slots, closed, chain, NAME,
        stamped -> emit(stamped, Long.parseLong(stamped.annotations().get(ChainStamp.CHAIN_SEQ))));
  }

  private void run() {
    List<LogRecordData> batch = new ArrayList<>(maxBatch);
    try {
      while (!stopped) {
        reportDrops();
        LogRecordData first = queue.poll(draining ? 10 : scheduleDelay.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        // A partial batch waits up to the schedule delay to fill, as the SDK's batch processor does.
        long deadline = System.nanoTime() + (draining ? 0 : scheduleDelay.toNanos());
        while (batch.size() < maxBatch) {
          queue.drainTo(batch, maxBatch - batch.size());
          long left = deadline - System.nanoTime();
          if (batch.size() >= maxBatch || left <= 0 || draining) {
            break;
          }
          LogRecordData next = queue.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(5)), TimeUnit.NANOSECONDS);
          if (next != null) {
            batch.add(next);
          }
        }
        if (!exportUntilAccepted(batch)) {
          return;
        }
        slots.release(batch.size());
        exported.addAndGet(batch.size());
        batch.clear();
      }
    } catch (InterruptedException e) {
      // stopped by close
    } catch (RuntimeException e) {
      LOG.error("OTLP audit exporter thread for {} stopped: {}", endpoint, e.toString());
    }
  }

  private boolean exportUntilAccepted(List<LogRecordData> batch) throws InterruptedException {
    while (!stopped) {
      CompletableResultCode r = exporter.export(List.copyOf(batch));
      r.join(exportTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
      if (r.isSuccess()) {
        backoff.reset();
        return true;
      }
      Duration wait = backoff.nextDelay(null);
      LOG.warn("OTLP export of {} audit records to {} failed{}; retrying in {} ms", batch.size(), endpoint,
          r.getFailureThrowable() == null ? "" : ": " + r.getFailureThrowable().getClass().getSimpleName(), wait.toMillis());
      reportDrops();
      Thread.sleep(wait.toMillis());
    }
    return false;
  }

  /** Records the Collector accepted since start (diagnostics and tests). */
  public long exportedCount() {
    return exported.get();
  }

  /** Events dropped under {@link WhenFull#DROP} since start. */
  public long droppedCount() {
    return drops.total();
  }

  /** Exports what is queued for up to the close timeout, then shuts the SDK down. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    draining = true;
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    try {
      while (slots.inUse() > 0 && thread.isAlive() && System.nanoTime() < deadline) {
        thread.join(20);
      }
      stopped = true;
      thread.interrupt();
      thread.join(Math.max(1, closeTimeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long left = slots.inUse();
    if (left > 0) {
      LOG.warn("OTLP audit recorder closed with {} records not exported to {} (the hash-chained file has them)", left, endpoint);
    }
    provider.shutdown().join(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    exporter.shutdown().join(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Configures an {@link OtlpAuditRecorder}; {@link #build()} checks the settings. Not thread-safe. */
  public static final class Builder {
    private Protocol protocol = Protocol.HTTP_PROTOBUF;
    private URI endpoint;
    private JsonlAuditRecorder chain;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] trustedCertificatesPem;
    private byte[] clientKeyPem;
    private byte[] clientCertificatePem;
    private String serviceName = "kubeguard";
    private int queueCapacity = 2048;
    private int maxExportBatchSize = 512;
    private Duration scheduleDelay = Duration.ofSeconds(1);
    private Duration exportTimeout = Duration.ofSeconds(10);
    private Duration closeTimeout = Duration.ofSeconds(10);
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofMinutes(1);
    private WhenFull whenFull = WhenFull.DENY;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Default {@link Protocol#HTTP_PROTOBUF}. */
    public Builder protocol(Protocol protocol) {
      this.protocol = protocol;
      return this;
    }

    /** The Collector: the full {@code /v1/logs} URL for HTTP, {@code scheme://host:port} for gRPC. */
    public Builder endpoint(URI endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    /** The hash chain this sink is composed after; it needs a replicaId. Required. */
    public Builder chain(JsonlAuditRecorder chain) {
      this.chain = chain;
      return this;
    }

    /** A header on every export (an API key, say); never logged. */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** PEM CAs to trust for an https endpoint; default the JDK's. */
    public Builder trustedCertificates(byte[] pem) {
      this.trustedCertificatesPem = pem.clone();
      return this;
    }

    /** A PEM client key (PKCS#8) and certificate for mutual TLS. */
    public Builder clientTls(byte[] privateKeyPem, byte[] certificatePem) {
      this.clientKeyPem = privateKeyPem.clone();
      this.clientCertificatePem = certificatePem.clone();
      return this;
    }

    /** {@code service.name} of the resource; default {@code kubeguard}. */
    public Builder serviceName(String serviceName) {
      this.serviceName = serviceName;
      return this;
    }

    /** Records that may wait for export; default 2048. */
    public Builder queueCapacity(int n) {
      this.queueCapacity = n;
      return this;
    }

    /** Records per export, and how long a partial batch waits; defaults 512 and 1 s (the SDK's). */
    public Builder batch(int maxExportBatchSize, Duration scheduleDelay) {
      this.maxExportBatchSize = maxExportBatchSize;
      this.scheduleDelay = scheduleDelay;
      return this;
    }

    /** One export's timeout; default 10 s. */
    public Builder exportTimeout(Duration timeout) {
      this.exportTimeout = timeout;
      return this;
    }

    /** Backoff between retries of a failed batch; default 1 s doubling to 1 min. */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** How long close() keeps exporting; default 10 s. */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = timeout;
      return this;
    }

    /** Default {@link WhenFull#DENY}. */
    public Builder whenFull(WhenFull whenFull) {
      this.whenFull = whenFull;
      return this;
    }

    /** Observed timestamps and drop reports; default UTC. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Builds the exporter and starts the export thread.
     *
     * @throws IllegalStateException naming the setting to fix
     */
    public OtlpAuditRecorder build() {
      if (protocol == null) {
        throw new IllegalStateException(NAME + ": protocol must be HTTP_PROTOBUF or GRPC");
      }
      if (endpoint == null) {
        endpoint = URI.create(protocol == Protocol.GRPC ? "http://localhost:4317" : "http://localhost:4318/v1/logs");
      }
      String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme();
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalStateException(NAME + ": endpoint must be an http:// or https:// URL, got " + endpoint);
      }
      if (scheme.equals("http") && !headers.isEmpty()) {
        throw new IllegalStateException(NAME + ": headers (credentials) over plain http are refused: use an https:// endpoint");
      }
      if (chain == null) {
        throw new IllegalStateException(NAME + " needs chain(jsonlAuditRecorder): the hash chain it is composed after");
      }
      if (chain.replicaId().isEmpty()) {
        throw new IllegalStateException(
            NAME + ": the chain has no replicaId: set JsonlAuditRecorder.Builder.replicaId(pod name)");
      }
      if (serviceName == null || serviceName.isBlank()) {
        throw new IllegalStateException(NAME + ": serviceName must not be blank");
      }
      if (queueCapacity < 1 || maxExportBatchSize < 1) {
        throw new IllegalStateException(NAME + ": queueCapacity and maxExportBatchSize must be at least 1");
      }
      for (Duration d : new Duration[] {scheduleDelay, exportTimeout, closeTimeout, initialBackoff, maxBackoff}) {
        if (d == null || d.isNegative() || d.isZero()) {
          throw new IllegalStateException(NAME + ": scheduleDelay, exportTimeout, closeTimeout and backoff must be positive");
        }
      }
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalStateException(NAME + ": the maximum backoff must be at least the initial one");
      }
      if (whenFull == null || clock == null) {
        throw new IllegalStateException(NAME + ": whenFull and clock must not be null");
      }
      return new OtlpAuditRecorder(this, exporter());
    }

    private LogRecordExporter exporter() {
      try {
        if (protocol == Protocol.GRPC) {
          OtlpGrpcLogRecordExporterBuilder g =
              OtlpGrpcLogRecordExporter.builder().setEndpoint(endpoint.toString()).setTimeout(exportTimeout);
          headers.forEach(g::addHeader);
          if (trustedCertificatesPem != null) {
            g.setTrustedCertificates(trustedCertificatesPem);
          }
          if (clientKeyPem != null) {
            g.setClientTls(clientKeyPem, clientCertificatePem);
          }
          return g.build();
        }
        OtlpHttpLogRecordExporterBuilder h =
            OtlpHttpLogRecordExporter.builder().setEndpoint(endpoint.toString()).setTimeout(exportTimeout);
        headers.forEach(h::addHeader);
        if (trustedCertificatesPem != null) {
          h.setTrustedCertificates(trustedCertificatesPem);
        }
        if (clientKeyPem != null) {
          h.setClientTls(clientKeyPem, clientCertificatePem);
        }
        return h.build();
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(NAME + ": the OTLP exporter refused its settings: " + e.getMessage(), e);
      }
    }
  }
}
