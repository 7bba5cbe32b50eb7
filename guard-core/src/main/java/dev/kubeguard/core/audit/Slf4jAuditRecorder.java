package dev.kubeguard.core.audit;

import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.spi.Recorder;
import dev.kubeguard.api.spi.RecordingException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each event's {@code audit.k8s.io/v1} JSON ({@link AuditEventJson}) at INFO on a logger,
 * {@value #DEFAULT_LOGGER} by default, for shipping through an existing logging pipeline.
 *
 * <p>No durability and no tamper evidence: the event is handed to SLF4J and the backend decides
 * (combine with {@link JsonlAuditRecorder} through {@link dev.kubeguard.api.spi.Recorder#composite} when the trail must hold).
 * Because a disabled logger would silently drop events, {@link #record} throws when INFO is off
 * for the logger, so the Guard fails closed. Thread-safe as the SLF4J backend is; events with
 * level None are ignored.
 */
public final class Slf4jAuditRecorder implements Recorder {

  public static final String DEFAULT_LOGGER = "kubeguard.audit";

  private final Logger logger;

  private Slf4jAuditRecorder(Logger logger) {
    this.logger = logger;
  }

  /** Logs on {@value #DEFAULT_LOGGER}. */
  public static Slf4jAuditRecorder create() {
    return named(DEFAULT_LOGGER);
  }

  /** Logs on the named logger. */
  public static Slf4jAuditRecorder named(String loggerName) {
    Objects.requireNonNull(loggerName, "loggerName");
    return new Slf4jAuditRecorder(LoggerFactory.getLogger(loggerName));
  }

  @Override
  public void record(AuditEvent event) throws RecordingException {
    if (event.level() == AuditLevel.NONE) {
      return;
    }
    if (!logger.isInfoEnabled()) {
      throw new RecordingException("audit logger '" + logger.getName() + "' has INFO disabled: events would be lost");
    }
    try {
      logger.info(AuditEventJson.toJson(event));
    } catch (RuntimeException e) {
      throw new RecordingException("audit logger failed: " + e.getMessage(), e);
    }
  }
}
