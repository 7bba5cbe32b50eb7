package dev.kubeguard.audit.sinks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that drains a webhook spool: reads fsynced events in spool order, batches them
 * (up to {@code maxBatchSize}, or whatever waited {@code maxBatchWait}), throttles, POSTs one
 * {@code audit.k8s.io/v1 EventList} per batch and retries that same batch with backoff until a
 * 2xx, then moves the durable cursor past it. Batches never overlap or reorder. Failure: a spool
 * it cannot read makes it stop with {@link #failure()} set (the recorder then refuses events).
 */
final class WebhookSender implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookAuditRecorder.class);
  private static final byte[] LIST_OPEN =
      "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":[".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LIST_CLOSE = "]}".getBytes(StandardCharsets.US_ASCII);

  /** What the sender needs from its recorder. */
  interface Host {
    /** Called on the sender thread after each acknowledged batch, with the count delivered. */
    void acknowledged(int events);

    /** Called on the sender thread when idle or between batches: a chance to record drop reports. */
    void idle();
  }

  private final Spool spool;
  private final HttpClient http;
  private final WebhookConfig config;
  private final WebhookAuditRecorder.Batching batching;
  private final Duration requestTimeout;
  private final Host host;
  private final Throttle throttle;
  private final Backoff backoff;
  private final AtomicLong delivered;
  private final Thread thread;
  private volatile boolean draining;
  private volatile boolean stopped;
  // Guards the start of a POST against close(): an answer already on its way is awaited, never
  // cut off, or the endpoint could keep a batch whose 2xx we never saw and get it again.
  private final Object sendLock = new Object();
  private boolean sending;
  private volatile Throwable failure;
  private volatile int lastStatus;

  WebhookSender(Spool spool, HttpClient http, WebhookConfig config, WebhookAuditRecorder.Batching batching,
      Duration requestTimeout, Host host) {
    this.spool = spool;
    this.http = http;
    this.config = config;
    this.batching = batching;
    this.requestTimeout = requestTimeout;
    this.host = host;
    this.throttle = new Throttle(batching.throttleQps(), batching.throttleBurst());
    this.backoff = new Backoff(batching.initialBackoff(), batching.maxBackoff());
    this.delivered = new AtomicLong(spool.deliveredAtOpen());
    this.thread = new Thread(this, "kubeguard-audit-webhook");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Wakes the sender: something was spooled. */
  void wake() {
    LockSupport.unpark(thread);
  }

  long delivered() {
    return delivered.get();
  }

  Throwable failure() {
    return failure;
  }

  /**
   * Sends what is spooled without waiting for full batches, for up to {@code timeout}; then stops,
   * letting a POST in flight finish (up to the request timeout) so its answer is not lost.
   */
  void drainAndStop(Duration timeout) throws InterruptedException {
    draining = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (thread.isAlive() && delivered.get() < spool.durableSeq() && System.nanoTime() < deadline) {
      wake();
      thread.join(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
    }
    synchronized (sendLock) {
      stopped = true;
      if (!sending) {
        thread.interrupt(); // parked, throttled or backing off: nothing in flight to lose
      }
    }
    wake();
    thread.join(requestTimeout.plus(timeout).toMillis() + 1000);
  }

  @Override
  public void run() {
    long firstSeen = -1;
    try {
      while (!stopped) {
        host.idle();
        long durable = spool.durableSeq();
        long from = delivered.get() + 1;
        long pending = durable - from + 1;
        if (pending <= 0) {
          firstSeen = -1;
          LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(200));
          continue;
        }
        long now = System.nanoTime();
        if (firstSeen < 0) {
          firstSeen = now;
        }
        long waited = now - firstSeen;
        if (pending < batching.maxBatchSize() && waited < batching.maxBatchWait().toNanos() && !draining) {
          LockSupport.parkNanos(this, batching.maxBatchWait().toNanos() - waited);
          continue;
        }
        List<SpoolReader.Line> batch = spool.read(from, batching.maxBatchSize(), durable);
        throttle.acquire();
        if (!sendUntilAcknowledged(batch)) {
          return;
        }
        long last = batch.get(batch.size() - 1).seq();
        try {
          spool.delivered(last); // a FileChannel write: close() must not interrupt it
          delivered.set(last);
        } finally {
          notSending();
        }
        host.acknowledged(batch.size());
        firstSeen = -1;
      }
    } catch (InterruptedException e) {
      // stopped by close: what is not delivered stays spooled for the next start
    } catch (Throwable t) {
      if (stopped) {
        return; // close() interrupted a spool read: nothing was lost, the next start resumes
      }
      failure = t;
      LOG.error("audit webhook sender for {} stopped: {}", config.server(), t.toString());
    }
  }

  /** Posts the batch until a 2xx; false when stopped first. */
  private boolean sendUntilAcknowledged(List<SpoolReader.Line> batch) throws InterruptedException {
    byte[] body = eventList(batch);
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(config.server())
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (config.token() != null) {
      rb.header("Authorization", "Bearer " + config.token());
    }
    HttpRequest request = rb.build();
    while (!stopped) {
      Duration retryAfter = null;
      String problem;
      synchronized (sendLock) {
        if (stopped) {
          return false;
        }
        sending = true;
      }
      try {
        HttpResponse<Void> r;
        try {
          r = http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException | InterruptedException | RuntimeException e) {
          notSending();
          throw e;
        }
        lastStatus = r.statusCode();
        if (r.statusCode() / 100 == 2) {
          backoff.reset();
          return true; // still "sending" until the cursor is written: see run()
        }
        notSending();
        problem = "answered HTTP " + r.statusCode();
        retryAfter = retryAfter(r);
      } catch (IOException e) {
        lastStatus = 0;
        problem = "failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
      }
      Duration wait = backoff.nextDelay(retryAfter);
      LOG.warn("audit webhook {} {} for a batch of {} events (spool seqs {}-{}); retrying in {} ms",
          config.server(), problem, batch.size(), batch.get(0).seq(), batch.get(batch.size() - 1).seq(), wait.toMillis());
      host.idle();
      if (stopped) {
        return false;
      }
      Thread.sleep(wait.toMillis(), (int) (wait.toNanosPart() % 1_000_000));
    }
    return false;
  }

  private void notSending() {
    synchronized (sendLock) {
      sending = false;
    }
  }

  /** The HTTP status of the last answer, 0 after a connection failure (for diagnostics). */
  int lastStatus() {
    return lastStatus;
  }

  private static Duration retryAfter(HttpResponse<?> r) {
    return r.headers().firstValue("Retry-After").map(v -> {
      try {
        long s = Long.parseLong(v.trim());
        return s >= 0 ? Duration.ofSeconds(s) : null;
      } catch (NumberFormatException e) {
        return null; // an HTTP date: the backoff decides
      }
    }).orElse(null);
  }

  static byte[] eventList(List<SpoolReader.Line> batch) {
    int size = LIST_OPEN.length + LIST_CLOSE.length + batch.size();
    for (SpoolReader.Line l : batch) {
      size += l.json().length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    out.writeBytes(LIST_OPEN);
    for (int i = 0; i < batch.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(batch.get(i).json());
    }
    out.writeBytes(LIST_CLOSE);
    return out.toByteArray();
  }
}
