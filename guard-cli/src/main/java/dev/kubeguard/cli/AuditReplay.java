package dev.kubeguard.cli;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.spi.PolicyEngine;
import dev.kubeguard.core.audit.AuditEventJson;
import dev.kubeguard.core.audit.AuditEvents;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Replays recorded requests against a (new) policy: for every event with a recorded
 * {@code kubeguard.dev/decision}, rebuilds the authorization question and asks the engine, so an
 * operator sees what a policy change would allow or deny before rolling it out.
 *
 * <p>The question is rebuilt from the event alone: the identity from {@code user} (name, uid,
 * groups, extra), the attributes from {@code objectRef} and {@code verb}, or a non-resource
 * question on {@code requestURI}'s path when there is no {@code objectRef}; tool, session and
 * correlation id from the annotations; the time from {@code requestReceivedTimestamp}. Bodies,
 * headers and the original {@code RequestInfo} are not available ({@link
 * AccessRequest#forAttributes}), and selectors are not recorded, so a policy that looks at them
 * may decide differently than it would live. Events are replayed one by one, as recorded (a
 * request recorded at two stages counts twice); the chain is not verified here (run
 * {@link AuditVerifier} first). Files are streamed. Stateless; thread-safe when the engine is.
 */
public final class AuditReplay {

  private AuditReplay() {}

  /** Replays {@code files} in order, passing each replayed event to {@code each}. */
  public static ReplayReport replay(PolicyEngine engine, List<Path> files, Consumer<ReplayEntry> each)
      throws IOException {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(each, "each");
    long replayed = 0, unchanged = 0, a2d = 0, d2a = 0, other = 0, skipped = 0;
    for (Path file : files) {
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String text;
        long line = 0;
        while ((text = in.readLine()) != null) {
          line++;
          if (text.isBlank()) {
            continue;
          }
          ReplayEntry entry = replayLine(engine, file, line, text);
          if (entry == null) {
            skipped++;
            continue;
          }
          replayed++;
          if (!entry.changed()) {
            unchanged++;
          } else if (entry.recorded() == Decision.Effect.ALLOW && entry.replayed() == Decision.Effect.DENY) {
            a2d++;
          } else if (entry.recorded() == Decision.Effect.DENY && entry.replayed() == Decision.Effect.ALLOW) {
            d2a++;
          } else {
            other++;
          }
          each.accept(entry);
        }
      }
    }
    return new ReplayReport(replayed, unchanged, a2d, d2a, other, skipped);
  }

  /** Replays {@code files}, keeping only the totals. */
  public static ReplayReport replay(PolicyEngine engine, List<Path> files) throws IOException {
    return replay(engine, files, e -> {});
  }

  private static ReplayEntry replayLine(PolicyEngine engine, Path file, long line, String text) {
    AuditEvent event;
    Decision.Effect recorded;
    try {
      event = AuditEventJson.fromJson(text);
      String word = event.annotations().get(AuditEvent.ANNOTATION_PREFIX + "decision");
      if (word == null) {
        return null;
      }
      recorded = AuditEvents.parseDecisionWord(word);
    } catch (IllegalArgumentException unreadable) {
      return null;
    }
    AccessRequest question = questionOf(event);
    Decision now;
    boolean error = false;
    try {
      now = engine.decide(question);
      if (now == null) {
        now = Decision.deny("policy engine returned no decision");
        error = true;
      }
    } catch (Exception e) {
      now = Decision.deny("policy error: " + e.getMessage());
      error = true;
    }
    return new ReplayEntry(
        file, line, event.auditId(), event.user().user(), event.verb(), event.requestUri(), recorded,
        now.effect(), now.ruleId(), now.reason(), error);
  }

  /** The authorization question a recorded event asked. */
  static AccessRequest questionOf(AuditEvent e) {
    Attributes attributes;
    AuditEvent.ObjectReference ref = e.objectRef();
    if (ref != null) {
      attributes =
          Attributes.resource(
              e.verb(), ref.apiGroup(), ref.apiVersion(), ref.resource(), ref.subresource(), ref.namespace(), ref.name());
    } else {
      String uri = e.requestUri();
      int q = uri.indexOf('?');
      attributes = Attributes.nonResource(e.verb(), q < 0 ? uri : uri.substring(0, q));
    }
    CallContext context =
        new CallContext(
            annotation(e, "tool"), annotation(e, "session"), annotation(e, "correlation-id"),
            e.requestReceivedTimestamp());
    return AccessRequest.forAttributes(e.user(), attributes, context);
  }

  private static String annotation(AuditEvent e, String key) {
    return e.annotations().getOrDefault(AuditEvent.ANNOTATION_PREFIX + key, "");
  }
}
