package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/** Test helper: what masked output must and must not contain. */
public final class MaskedOutput {

  public static final ObjectMapper JSON = new ObjectMapper();
  public static final String TOKEN = "kubeguard-masked:";

  /** Asserts none of {@code secrets} survives in {@code out}, plain, base64, or line by line. */
  public static void assertNoLeak(String out, List<String> plain, List<String> base64) {
    List<String> forbidden = new ArrayList<>();
    for (String p : plain) {
      forbidden.add(p);
      forbidden.add(Base64.getEncoder().encodeToString(p.getBytes(StandardCharsets.UTF_8)));
    }
    for (String b : base64) {
      forbidden.add(b);
      String decoded = new String(Base64.getDecoder().decode(b), StandardCharsets.UTF_8);
      forbidden.add(decoded);
      for (String line : decoded.split("\n")) {
        if (line.length() >= 20) {
          forbidden.add(line);
        }
      }
    }
    for (String f : forbidden) {
      assertThat(out).as("masked output must not contain a secret").doesNotContain(f);
    }
  }

  /** Whether {@code s} is a mask: a token, base64 of a token, or a string holding a token. */
  public static boolean isMask(String s) {
    if (s.contains(TOKEN)) {
      return true;
    }
    try {
      return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8).startsWith(TOKEN);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Walks input and output together: same shape and keys; every leaf equal unless it was masked,
   * and masked exactly where {@code secret} says so (when given). JSON held in a string is
   * compared inside.
   */
  public static void assertRoundTrip(JsonNode in, JsonNode out, Predicate<JsonNode> secret, String path) {
    if (in.isObject()) {
      assertThat(out.isObject()).as(path + " stays an object").isTrue();
      List<String> inKeys = new ArrayList<>();
      in.fieldNames().forEachRemaining(inKeys::add);
      List<String> outKeys = new ArrayList<>();
      out.fieldNames().forEachRemaining(outKeys::add);
      assertThat(outKeys).as(path + " keeps its keys").containsExactlyInAnyOrderElementsOf(inKeys);
      for (Iterator<String> it = in.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        assertRoundTrip(in.get(k), out.get(k), secret, path + "." + k);
      }
      return;
    }
    if (in.isArray()) {
      assertThat(out.isArray()).as(path + " stays an array").isTrue();
      assertThat(out.size()).as(path + " keeps its length").isEqualTo(in.size());
      for (int i = 0; i < in.size(); i++) {
        assertRoundTrip(in.get(i), out.get(i), secret, path + "[" + i + "]");
      }
      return;
    }
    boolean mustMask = secret != null && secret.test(in);
    if (in.isTextual() && out.isTextual() && !in.equals(out)) {
      JsonNode inEmbedded = embedded(in.asText());
      if (inEmbedded != null && !mustMask) {
        JsonNode outEmbedded = embedded(out.asText());
        assertThat(outEmbedded).as(path + " stays embedded JSON").isNotNull();
        assertRoundTrip(inEmbedded, outEmbedded, secret, path + "<json>");
        return;
      }
    }
    if (in.equals(out)) {
      assertThat(mustMask).as(path + " holds a secret but was not masked").isFalse();
      return;
    }
    assertThat(out.isTextual() && isMask(out.asText()))
        .as(path + " changed but is not a mask: " + out)
        .isTrue();
    if (secret != null) {
      assertThat(mustMask).as(path + " was masked but holds no secret: " + in).isTrue();
    }
  }

  public static JsonNode embedded(String s) {
    String t = s.trim();
    if (!t.startsWith("{") && !t.startsWith("[")) {
      return null;
    }
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      return null;
    }
  }

  private MaskedOutput() {}

  /** Every root JSON value of {@code s} (a watch stream has several). */
  public static List<JsonNode> roots(String s) throws Exception {
    List<JsonNode> out = new java.util.ArrayList<>();
    try (var it = JSON.readerFor(JsonNode.class).readValues(s)) {
      while (it.hasNext()) {
        out.add((JsonNode) it.next());
      }
    }
    return out;
  }
}
