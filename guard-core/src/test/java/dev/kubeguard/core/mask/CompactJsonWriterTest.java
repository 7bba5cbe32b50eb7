package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompactJsonWriterTest {

  static final JsonFactory JACKSON = new JsonFactory();

  @Test
  void writesTheSameBytesAsJacksonsGeneratorForAnyStringsAndNames() {
    qt().withExamples(300)
        .forAll(longs().all(), integers().between(0, 40))
        .checkAssert((seed, length) -> {
          Random r = new Random(seed);
          String name = randomText(r, length);
          String value = randomText(r, length * 3);
          assertThat(ours(name, value)).as("name %s value %s", escaped(name), escaped(value))
              .isEqualTo(jacksons(name, value));
        });
  }

  @Test
  void aStringGivenAsUtf8ReadsBackAsTheSameStringAndEscapesAsciiAsJacksonDoes() {
    qt().withExamples(300)
        .forAll(longs().all(), integers().between(0, 60))
        .checkAssert((seed, length) -> {
          // UTF-8 holds no lone surrogate: the masker hands over valid UTF-8 (String.getBytes output)
          String value = new String(randomText(new Random(seed), length).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
          byte[] written = fromUtf8(value);
          try (JsonParser p = JACKSON.createParser(written)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.VALUE_STRING);
            assertThat(p.getText()).as("value %s", escaped(value)).isEqualTo(value);
            assertThat(p.nextToken()).isNull();
          } catch (IOException e) {
            throw new AssertionError("not JSON: " + escaped(new String(written, StandardCharsets.UTF_8)), e);
          }
          if (value.chars().allMatch(c -> c < 0x80)) {
            assertThat(written).isEqualTo(jacksonsString(value));
          }
        });
  }

  private static byte[] fromUtf8(String value) {
    try {
      ChunkOutput out = new ChunkOutput(null);
      byte[] u = value.getBytes(StandardCharsets.UTF_8);
      new CompactJsonWriter(out).stringFromUtf8(u, 0, u.length);
      return out.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] jacksonsString(String value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JACKSON.createGenerator(out)) {
      g.writeString(value);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  @Test
  void writesLongStringsAcrossItsSlicesUnchanged() throws IOException {
    String value = "ünïcødé \"quoted\" \n\t\u0001 😀 ".repeat(3000);
    assertThat(ours("k", value)).isEqualTo(jacksons("k", value));
  }

  @Test
  void refusesCallsThatWouldMakeBrokenJson() throws IOException {
    CompactJsonWriter w = new CompactJsonWriter(new ChunkOutput(null));
    w.startObject();
    assertThatThrownBy(() -> w.string("value without a name")).isInstanceOf(IOException.class);
    w.fieldName("a");
    assertThatThrownBy(() -> w.fieldName("b")).isInstanceOf(IOException.class);
    assertThatThrownBy(w::endObject).isInstanceOf(IOException.class);
    w.nullValue();
    assertThatThrownBy(w::endArray).isInstanceOf(IOException.class);
    assertThatThrownBy(w::newline).isInstanceOf(IOException.class);
  }

  /** Mostly ASCII, with every kind of character that needs care: escapes, controls, multi-byte, surrogates. */
  static String randomText(Random r, int length) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      switch (r.nextInt(8)) {
        case 0 -> sb.append((char) r.nextInt(0x20));
        case 1 -> sb.append("\"\\/\u007f".charAt(r.nextInt(4)));
        case 2 -> sb.append((char) (0x80 + r.nextInt(0x780)));
        case 3 -> sb.append((char) (0x800 + r.nextInt(0xD000)));
        case 4 -> sb.appendCodePoint(0x10000 + r.nextInt(0xFFFFF));
        case 5 -> sb.append((char) (0xD800 + r.nextInt(0x800))); // a lone surrogate
        default -> sb.append((char) (0x20 + r.nextInt(0x5f)));
      }
    }
    return sb.toString();
  }

  static byte[] ours(String name, String value) {
    try {
      ChunkOutput out = new ChunkOutput(null);
      CompactJsonWriter w = new CompactJsonWriter(out);
      for (int twice = 0; twice < 2; twice++) { // the second round uses the cached name
        w.startObject();
        w.fieldName(name);
        w.string(value);
        w.fieldName("n");
        w.startArray();
        w.number("-12.5e3");
        w.bool(true);
        w.bool(false);
        w.nullValue();
        w.string(value.toCharArray(), 0, value.length());
        w.endArray();
        w.fieldName(name);
        w.startObject();
        w.endObject();
        w.endObject();
        w.newline();
      }
      return out.utf8().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] jacksons(String name, String value) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (JsonGenerator g = JACKSON.createGenerator(bytes)) {
        g.setRootValueSeparator(null);
        for (int twice = 0; twice < 2; twice++) {
          g.writeStartObject();
          g.writeFieldName(name);
          g.writeString(value);
          g.writeFieldName("n");
          g.writeStartArray();
          g.writeNumber("-12.5e3");
          g.writeBoolean(true);
          g.writeBoolean(false);
          g.writeNull();
          g.writeString(value.toCharArray(), 0, value.length());
          g.writeEndArray();
          g.writeFieldName(name);
          g.writeStartObject();
          g.writeEndObject();
          g.writeEndObject();
          g.writeRaw('\n');
        }
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static String escaped(String s) {
    StringBuilder sb = new StringBuilder();
    s.chars().forEach(c -> sb.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
    return sb.toString();
  }
}
