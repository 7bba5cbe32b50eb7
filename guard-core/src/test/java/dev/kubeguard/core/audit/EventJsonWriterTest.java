package dev.kubeguard.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.lists;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kubeguard.api.AuditEvent;
import dev.kubeguard.api.AuditLevel;
import dev.kubeguard.api.Identity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class EventJsonWriterTest {

  // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, widened so the formatter's fallback is drawn too.
  private static final long YEAR_1 = -62_135_596_800L;
  private static final long YEAR_9999_END = 253_402_300_799L;

  @Test
  void timestampsAreTheTextKubernetesMicroTimeFormattingGivesForAnyInstant() {
    qt().forAll(longs().between(YEAR_1 - 86_400L * 800, YEAR_9999_END + 86_400L * 800), integers().between(0, 999_999_999))
        .checkAssert((second, nano) -> {
          Instant t = Instant.ofEpochSecond(second, nano);
          JsonNode json = EventJsonReader.parseTree(new String(EventJsonWriter.write(eventAt(t)), StandardCharsets.UTF_8));
          assertThat(json.path("requestReceivedTimestamp").asText()).isEqualTo(EventJsonWriter.microTime(t));
          assertThat(json.path("stageTimestamp").asText()).isEqualTo(EventJsonWriter.microTime(t));
        });
  }

  /**
   * Characters where escaping goes wrong: controls (those with a short escape and those without),
   * quote and backslash, DEL, the edges of each UTF-8 length, U+2028, and surrogates, paired and
   * not; plus any BMP char.
   */
  private static final char[] AWKWARD = {
    0, 1, '\b', '\t', '\n', 0x0b, '\f', '\r', 0x1f, ' ', '"', '\\', '/', 'a', 0x7e, 0x7f, 0x80, 0xe9,
    0x7ff, 0x800, 0x2028, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfffe, 0xffff
  };

  private static final Gen<String> TEXT =
      lists().of(integers().between(0, AWKWARD.length * 2)).ofSizeBetween(0, 24).map(codes -> {
        StringBuilder b = new StringBuilder();
        for (int code : codes) {
          b.append(code < AWKWARD.length ? AWKWARD[code] : (char) (code * 2_654_435_761L >>> 16 & 0xffff));
        }
        if (codes.size() % 5 == 1) {
          b.append("\ud83d\ude00"); // a well-formed pair at the end
        }
        return b.toString();
      });

  /** Bodies: valid JSON of each shape (with awkward text inside), JSON with trailing text, text. */
  private static final Gen<String> BODY = in -> {
    String t = TEXT.generate(in);
    String quoted = JsonNodeFactory.instance.textNode(t).toString();
    return switch (integers().between(0, 6).generate(in)) {
      case 0 -> null;
      case 1 -> "{\"kind\":\"Secret\",\"data\":{\"k\":" + quoted + "},\"n\":[1,-2.5e3,true,null]}";
      case 2 -> " [ " + quoted + " , {} ] ";
      case 3 -> quoted;
      case 4 -> "{\"a\":1} trailing";
      case 5 -> "12345";
      default -> t;
    };
  };

  private static final Gen<AuditEvent> EVENTS = in -> {
    Map<String, List<String>> extra = new HashMap<>();
    for (int i = integers().between(0, 2).generate(in); i > 0; i--) {
      extra.put(TEXT.generate(in), lists().of(TEXT).ofSizeBetween(0, 2).generate(in));
    }
    Identity user = new Identity("u" + TEXT.generate(in), TEXT.generate(in), lists().of(TEXT).ofSizeBetween(0, 3).generate(in), extra, "");
    Map<String, String> annotations = new HashMap<>();
    // half the events carry only the Guard's standard keys (the writer's fast path), half a mix
    // with any text and a chain key (its general path)
    boolean standardOnly = integers().between(0, 1).generate(in) == 1;
    String[] standard = AuditEvents.Builder.STANDARD_KEYS_SORTED;
    for (int i = integers().between(0, standardOnly ? standard.length : 5).generate(in); i > 0; i--) {
      String key = standardOnly || integers().between(0, 2).generate(in) == 0
          ? standard[integers().between(0, standard.length - 1).generate(in)]
          : i == 1 ? ChainLine.HASH : TEXT.generate(in);
      annotations.put(key, TEXT.generate(in));
    }
    boolean full = integers().between(0, 1).generate(in) == 1;
    Instant t = Instant.ofEpochSecond(longs().between(YEAR_1 - 86_400L, YEAR_9999_END + 86_400L).generate(in),
        integers().between(0, 999_999_999).generate(in));
    return new AuditEvent(
        AuditLevel.values()[integers().between(0, AuditLevel.values().length - 1).generate(in)], TEXT.generate(in),
        AuditEvent.Stage.values()[integers().between(0, 3).generate(in)], TEXT.generate(in), TEXT.generate(in), user,
        full ? Identity.of("i" + TEXT.generate(in)) : null, lists().of(TEXT).ofSizeBetween(0, 2).generate(in), TEXT.generate(in),
        full ? new AuditEvent.ObjectReference(TEXT.generate(in), TEXT.generate(in), TEXT.generate(in), "", "", "v1", TEXT.generate(in), "") : null,
        full ? new AuditEvent.ResponseStatus(integers().between(0, 599).generate(in), TEXT.generate(in), TEXT.generate(in), TEXT.generate(in)) : null,
        BODY.generate(in), BODY.generate(in), t, t, annotations);
  };

  @Test
  void anyEventIsWrittenToTheSameBytesAsJacksonsGeneratorWrites() {
    qt().withExamples(3_000).forAll(EVENTS).checkAssert(e -> {
      assertThat(EventJsonWriter.write(e)).isEqualTo(JacksonEventJson.write(e));
      EventJsonWriter.OpenEvent open = EventJsonWriter.writeOpen(e);
      EventJsonWriter.OpenEvent oracle = JacksonEventJson.writeOpen(e);
      assertThat(open.prefix()).isEqualTo(oracle.prefix());
      assertThat(open.hasAnnotations()).isEqualTo(oracle.hasAnnotations());
    });
  }

  @Test
  void aLongStringFullOfEscapesIsWrittenWhole() {
    String body = "\u0001\"\ud800".repeat(50_000); // 150,000 chars, each an escape: ~900 KB of line
    AuditEvent e = eventAt(AuditTestEvents.T0);
    e = new AuditEvent(e.level(), e.auditId(), e.stage(), e.requestUri(), e.verb(), e.user(), null, List.of(),
        "", null, null, body, null, e.requestReceivedTimestamp(), e.stageTimestamp(), e.annotations());
    byte[] line = EventJsonWriter.write(e);
    assertThat(line).isEqualTo(JacksonEventJson.write(e));
    assertThat(EventJsonReader.parseTree(new String(line, StandardCharsets.UTF_8)).path("requestObject").asText())
        .isEqualTo(body);
    // the thread's scratch writer does not keep the large array: a small event after it is unchanged
    AuditEvent small = eventAt(AuditTestEvents.T0);
    assertThat(EventJsonWriter.write(small)).isEqualTo(JacksonEventJson.write(small));
  }

  @Test
  void annotationsAreWrittenSortedByKey() {
    AuditEvent e = eventAt(AuditTestEvents.T0);
    String line = new String(EventJsonWriter.writeOpen(e).prefix(), StandardCharsets.UTF_8);
    assertThat(line).endsWith("\"annotations\":{\"a\":\"1\",\"kubeguard.dev/b\":\"2\",\"z\":\"3\"");
  }

  private static AuditEvent eventAt(Instant t) {
    return new AuditEvent(
        AuditLevel.METADATA, "id", AuditEvent.Stage.ResponseComplete, "/api/v1/pods", "list",
        Identity.of("alice"), null, List.of(), "", null, null, null, null, t, t,
        Map.of("z", "3", "a", "1", "kubeguard.dev/b", "2", ChainLine.SEQ, "99"));
  }
}
