package dev.kubeguard.core.approval;

import dev.kubeguard.api.ApprovalNotice;
import dev.kubeguard.api.spi.ApprovalNotifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ApprovalNotifier} that POSTs each held request to a webhook: as JSON (the notice's
 * fields: id, requester, verb, resource, namespace, name, reason, approverGroups, expiresAt,
 * answerUrl, maskedBody, diff, ...), or as a Slack incoming-webhook message ({@code blocks} with who
 * asks, what, the namespace, the diff in a code block and where to answer).
 *
 * <ul>
 *   <li><b>Off the request thread.</b> {@link #notify} queues the notice and returns; delivery
 *       runs on this notifier's own daemon thread. At most {@code maxQueued} notices wait; past
 *       that a notice is dropped (logged), so a dead webhook cannot grow memory.
 *   <li><b>Bounded retries.</b> A 429, a 5xx, a timeout or an I/O error is retried with
 *       exponential backoff (a 429's or 503's {@code Retry-After} seconds are honoured up to the
 *       maximum backoff) until {@code maxAttempts}; any other status (a 4xx: the request itself is
 *       wrong, a 3xx: redirects are not followed) is given up at once.
 *   <li><b>No secrets.</b> The payload holds only the notice, whose request content is masked by
 *       the approver that produced it; headers set here (a webhook's own token) go only to the
 *       webhook and are never logged.
 * </ul>
 *
 * <p><b>Threading:</b> thread-safe. <b>Failure:</b> never throws from {@link #notify} and never
 * changes an approval; every final outcome goes to the {@code onOutcome} listener (if set) and
 * failures to the log. {@link #close} stops delivery (queued notices are dropped).
 */
public final class WebhookNotifier implements ApprovalNotifier, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);

  /** The shape of the body posted. */
  public enum Format {
    /** The notice as one JSON object. */
    JSON,
    /** A Slack incoming-webhook message: {@code text} and {@code blocks}. */
    SLACK
  }

  /**
   * The end of one notice's delivery.
   *
   * @param approvalId the notice's approval id
   * @param delivered whether the webhook accepted it (2xx)
   * @param attempts how many POSTs were made
   * @param lastStatus the last HTTP status, or 0 when none came (timeout, I/O error, dropped)
   * @param detail why it was given up, or {@code ""}
   */
  public record Outcome(String approvalId, boolean delivered, int attempts, int lastStatus, String detail) {}

  private final URI url;
  private final Format format;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration timeout;
  private final Map<String, String> headers;
  private final Consumer<Outcome> onOutcome;
  private final HttpClient http;
  private final ScheduledThreadPoolExecutor executor;
  private final AtomicInteger queued = new AtomicInteger();
  private final int maxQueued;

  private WebhookNotifier(Builder b) {
    this.url = b.url;
    this.format = b.format;
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.timeout = b.timeout;
    this.headers = Map.copyOf(b.headers);
    this.onOutcome = b.onOutcome;
    this.maxQueued = b.maxQueued;
    this.http = HttpClient.newBuilder().connectTimeout(b.timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    this.executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "kubeguard-webhook-notifier");
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void notify(ApprovalNotice notice) {
    if (notice == null) {
      return;
    }
    if (queued.incrementAndGet() > maxQueued) {
      queued.decrementAndGet();
      LOG.warn("kubeguard: webhook notice for {} dropped: {} notices already waiting", notice.id(), maxQueued);
      report(new Outcome(notice.id(), false, 0, 0, "dropped: the queue is full"));
      return;
    }
    byte[] body = format == Format.SLACK ? WebhookPayloads.slack(notice) : WebhookPayloads.json(notice);
    try {
      executor.execute(() -> attempt(notice.id(), body, 1));
    } catch (RuntimeException rejected) {
      queued.decrementAndGet();
      report(new Outcome(notice.id(), false, 0, 0, "dropped: the notifier is closed"));
    }
  }

  private void attempt(String id, byte[] body, int attempt) {
    int status = 0;
    String detail;
    Duration retryAfter = null;
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
          .header("Content-Type", "application/json; charset=utf-8")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(request::header);
      HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
      status = response.statusCode();
      if (status / 100 == 2) {
        finish(new Outcome(id, true, attempt, status, ""));
        return;
      }
      if (status != 429 && status / 100 != 5) {
        finish(new Outcome(id, false, attempt, status, "the webhook answered " + status + "; not retried"));
        return;
      }
      detail = "the webhook answered " + status;
      retryAfter = retryAfter(response.headers().firstValue("Retry-After").orElse(null));
    } catch (IOException e) {
      detail = "could not reach the webhook (" + e.getClass().getSimpleName() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finish(new Outcome(id, false, attempt, 0, "interrupted"));
      return;
    } catch (RuntimeException e) {
      finish(new Outcome(id, false, attempt, 0, "could not be sent (" + e.getClass().getSimpleName() + ")"));
      return;
    }
    if (attempt >= maxAttempts) {
      finish(new Outcome(id, false, attempt, status, detail + "; gave up after " + attempt + " attempts"));
      return;
    }
    Duration wait = backoff(attempt, retryAfter);
    try {
      executor.schedule(() -> attempt(id, body, attempt + 1), wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException closed) {
      finish(new Outcome(id, false, attempt, status, detail + "; the notifier was closed"));
    }
  }

  private Duration backoff(int attempt, Duration retryAfter) {
    Duration exp = initialBackoff.multipliedBy(1L << Math.min(attempt - 1, 20));
    Duration wait = retryAfter != null && retryAfter.compareTo(exp) > 0 ? retryAfter : exp;
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }

  private static Duration retryAfter(String value) {
    if (value == null) {
      return null;
    }
    try {
      long seconds = Long.parseLong(value.trim());
      return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
    } catch (NumberFormatException dateOrJunk) {
      return null; // an HTTP date is rare from webhooks; the exponential backoff applies
    }
  }

  private void finish(Outcome o) {
    queued.decrementAndGet();
    if (!o.delivered()) {
      LOG.warn("kubeguard: webhook notice for {} not delivered: {}", o.approvalId(), o.detail());
    }
    report(o);
  }

  private void report(Outcome o) {
    if (onOutcome == null) {
      return;
    }
    try {
      onOutcome.accept(o);
    } catch (RuntimeException e) {
      LOG.warn("kubeguard: webhook outcome listener failed", e);
    }
  }

  /** Stops delivery; notices still queued or waiting for a retry are dropped. */
  @Override
  public void close() {
    executor.shutdownNow();
  }

  /** Configures a {@link WebhookNotifier}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private URI url;
    private Format format = Format.JSON;
    private int maxAttempts = 5;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration timeout = Duration.ofSeconds(10);
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Consumer<Outcome> onOutcome;
    private int maxQueued = 1000;

    private Builder() {}

    /** The webhook to POST to ({@code https://hooks.slack.com/services/...}). Required. */
    public Builder url(URI u) {
      this.url = u;
      return this;
    }

    /** The body's shape (default {@link Format#JSON}). */
    public Builder format(Format f) {
      this.format = f;
      return this;
    }

    /** How many POSTs one notice may take, the first included (default 5). */
    public Builder maxAttempts(int n) {
      this.maxAttempts = n;
      return this;
    }

    /** The wait before the first retry, doubled for each next one (default 500 ms). */
    public Builder initialBackoff(Duration d) {
      this.initialBackoff = d;
      return this;
    }

    /** The longest wait between two attempts, a {@code Retry-After} included (default 30 s). */
    public Builder maxBackoff(Duration d) {
      this.maxBackoff = d;
      return this;
    }

    /** How long one attempt (connect and answer) may take (default 10 s). */
    public Builder timeout(Duration d) {
      this.timeout = d;
      return this;
    }

    /**
     * A header sent with every POST, such as the webhook's own {@code Authorization}. Never part
     * of the payload, never logged.
     */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Called once per notice with how its delivery ended, on the notifier's thread; keep it quick. */
    public Builder onOutcome(Consumer<Outcome> listener) {
      this.onOutcome = listener;
      return this;
    }

    /** How many notices may wait for delivery at once (default 1000); more are dropped. */
    public Builder maxQueued(int n) {
      this.maxQueued = n;
      return this;
    }

    public WebhookNotifier build() {
      List<String> problems = new ArrayList<>();
      if (url == null) {
        problems.add("no url: call url(URI) with the webhook to POST to");
      } else {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || url.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
          problems.add("url must be an absolute http(s) URL, got " + url);
        }
        if (url.getUserInfo() != null) {
          problems.add("url must not carry credentials in its user info; pass them with header(\"Authorization\", ...)");
        }
      }
      if (format == null) problems.add("format must not be null (JSON or SLACK)");
      if (maxAttempts < 1) problems.add("maxAttempts must be at least 1, got " + maxAttempts);
      if (!positive(initialBackoff)) problems.add("initialBackoff must be positive, e.g. Duration.ofMillis(500)");
      if (!positive(maxBackoff)) problems.add("maxBackoff must be positive, e.g. Duration.ofSeconds(30)");
      if (!positive(timeout)) problems.add("timeout must be positive, e.g. Duration.ofSeconds(10)");
      if (maxQueued < 1) problems.add("maxQueued must be at least 1, got " + maxQueued);
      for (String h : headers.keySet()) {
        if (h.equalsIgnoreCase("content-type") || h.equalsIgnoreCase("content-length") || h.equalsIgnoreCase("host")) {
          problems.add("header " + h + " is set by the notifier itself");
        }
      }
      if (!problems.isEmpty()) {
        throw new IllegalStateException("invalid WebhookNotifier configuration: " + String.join("; ", problems));
      }
      return new WebhookNotifier(this);
    }

    private static boolean positive(Duration d) {
      return d != null && !d.isZero() && !d.isNegative();
    }
  }
}
