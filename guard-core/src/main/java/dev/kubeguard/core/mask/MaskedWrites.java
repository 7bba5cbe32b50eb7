package dev.kubeguard.core.mask;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.kubeguard.api.KubeRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Finds the Guard's own mask tokens ({@code kubeguard-masked:<16 hex>}) in a write body, so a
 * client that read a masked object and writes it back whole ({@code update()}, {@code replace()},
 * an apply of what it read) is refused before it replaces real values with tokens.
 *
 * <p>A token counts plain, or base64-encoded at any of the three byte alignments (a Secret's
 * {@code data} holds base64 of the token), in any JSON string or YAML scalar, embedded JSON
 * strings such as {@code last-applied-configuration} included. Every write body is first scanned
 * once for the prefix bytes and its three base64 forms; only a body holding one is parsed, to name
 * the fields. A body the scan flags but that cannot be parsed (or whose content type is neither
 * JSON nor YAML) is reported without field names: it still carries the bytes, so it is refused.
 *
 * <p>Only the built-in token format is known here: a custom masker writing other tokens must guard
 * write-backs itself. Tokens are looked for as clients write them; a body that spells the prefix
 * with escapes ({@code kubeguard\u002dmasked}) is not looked into.
 *
 * <p>Stateless and thread-safe. Never throws for a body: a parse failure is a finding without
 * fields.
 */
public final class MaskedWrites {

  /** What a write body carries: the field paths that hold tokens, empty when none could be named. */
  public record Finding(List<String> fields) {
    public Finding {
      fields = List.copyOf(fields);
    }
  }

  /** How the built-in tokens look, for messages: {@code kubeguard-masked:<16 hex>}. */
  public static final String TOKEN_FORMAT = MaskTokens.PREFIX + "<16 hex>";

  private static final byte[] PLAIN = MaskTokens.PREFIX.getBytes(StandardCharsets.US_ASCII);
  /** The prefix base64-encoded at byte offsets 0, 1 and 2 of a 3-byte group: only the characters it fixes. */
  private static final String[] BASE64 = new String[3];
  private static final byte[][] NEEDLES = new byte[4][];

  static {
    for (int a = 0; a < 3; a++) {
      byte[] shifted = new byte[a + PLAIN.length];
      System.arraycopy(PLAIN, 0, shifted, a, PLAIN.length);
      String encoded = Base64.getEncoder().withoutPadding().encodeToString(shifted);
      // Characters mixing bits of the unknown neighbours vary; the ones between are fixed.
      BASE64[a] = encoded.substring((a * 8 + 5) / 6, (a + PLAIN.length) * 8 / 6);
      NEEDLES[a + 1] = BASE64[a].getBytes(StandardCharsets.US_ASCII);
    }
    NEEDLES[0] = PLAIN;
  }

  private static final int MAX_DEPTH = 200;
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build();
  private static final YAMLFactory YAML = YAMLFactory.builder().loaderOptions(yamlLimits())
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build();

  private MaskedWrites() {}

  private static LoaderOptions yamlLimits() {
    LoaderOptions o = new LoaderOptions();
    o.setCodePointLimit(8 * 1024 * 1024); // above the Guard's largest body (3 MiB by default)
    return o;
  }

  /**
   * What {@code request} writes back of masked values, or {@code null} when it writes none: a
   * POST, PUT or PATCH with a body carrying a token. Cheap when no token is there: one pass over
   * the body's bytes.
   */
  public static Finding find(KubeRequest request) {
    String m = request.method();
    if (request.bodyLength() == 0 || !(m.equals("POST") || m.equals("PUT") || m.equals("PATCH"))) {
      return null;
    }
    // Scan the body in place: every write pays this, and almost none carries a token.
    if (!mightCarry(request.bodyView())) {
      return null;
    }
    return locate(request.body(), request.header("Content-Type"));
  }

  /** Whether the bytes hold the token prefix, plain or in any of its three base64 forms. */
  public static boolean mightCarry(byte[] b) {
    return mightCarry(ByteBuffer.wrap(b));
  }

  /** {@link #mightCarry(byte[])} over a buffer's remaining bytes, read with absolute gets. */
  static boolean mightCarry(ByteBuffer b) {
    int end = b.limit();
    for (int i = b.position(); i < end; i++) {
      byte c = b.get(i);
      for (byte[] n : NEEDLES) {
        if (c == n[0] && startsAt(b, i, end, n)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether a (decoded) string holds a whole token, or the prefix in base64. */
  public static boolean carries(String s) {
    int from = 0;
    int at;
    while ((at = s.indexOf(MaskTokens.PREFIX, from)) >= 0) {
      if (hexFollows(s, at + MaskTokens.PREFIX.length())) {
        return true;
      }
      from = at + 1;
    }
    for (String b : BASE64) {
      if (s.contains(b)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hexFollows(String s, int from) {
    if (from + 16 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 16; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsAt(ByteBuffer b, int i, int end, byte[] n) {
    if (i + n.length > end) {
      return false;
    }
    for (int k = 1; k < n.length; k++) {
      if (b.get(i + k) != n[k]) {
        return false;
      }
    }
    return true;
  }

  // The scan found the bytes: name the fields, or report none when the body cannot be read.
  private static Finding locate(byte[] body, String contentType) {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    JsonFactory factory = type.contains("yaml") ? YAML : type.contains("json") || type.isBlank() ? JSON : null;
    if (factory == null) {
      return new Finding(List.of());
    }
    Walk w = new Walk();
    try (JsonParser p = factory.createParser(body)) {
      while (p.nextToken() != null) {
        w.value(p, new ArrayList<>(), 0);
      }
    } catch (IOException | RuntimeException e) {
      return new Finding(w.fields());
    }
    List<String> fields = w.fields();
    return fields.isEmpty() && !w.sawToken ? null : new Finding(fields);
  }

  /** One parse of a body: the paths of strings holding tokens, JSON Patch ops read by their path. */
  private static final class Walk {
    private final List<List<Object>> hits = new ArrayList<>();
    private final Map<Integer, String> opPaths = new HashMap<>();
    private boolean rootIsArray;
    boolean sawToken;

    void value(JsonParser p, List<Object> path, int depth) throws IOException {
      JsonToken t = p.currentToken();
      if (depth == 0) {
        rootIsArray = t == JsonToken.START_ARRAY;
      }
      if (t == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          path.add(p.currentName());
          p.nextToken();
          value(p, path, depth + 1);
          path.remove(path.size() - 1);
        }
      } else if (t == JsonToken.START_ARRAY) {
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          path.add(i++);
          value(p, path, depth + 1);
          path.remove(path.size() - 1);
        }
      } else if (t == JsonToken.VALUE_STRING) {
        String s = p.getText();
        if (rootIsArray && path.size() == 2 && path.get(0) instanceof Integer op && "path".equals(path.get(1))) {
          opPaths.put(op, s);
        }
        if (carries(s) || embeddedCarries(s, depth)) {
          sawToken = true;
          hits.add(List.copyOf(path));
        }
      }
    }

    // An embedded JSON string escapes its own strings once more; read it to see inside.
    private boolean embeddedCarries(String s, int depth) {
      String trimmed = s.stripLeading();
      if (s.indexOf('\\') < 0 || trimmed.isEmpty() || (trimmed.charAt(0) != '{' && trimmed.charAt(0) != '[')) {
        return false;
      }
      Walk inner = new Walk();
      try (JsonParser p = JSON.createParser(s)) {
        while (p.nextToken() != null) {
          inner.value(p, new ArrayList<>(), depth);
        }
      } catch (IOException | RuntimeException e) {
        return false;
      }
      return inner.sawToken;
    }

    List<String> fields() {
      Set<String> out = new LinkedHashSet<>();
      for (List<Object> h : hits) {
        out.add(render(h));
      }
      return new ArrayList<>(out);
    }

    // A JSON Patch op's value is named by where it goes: [{"path":"/data/password","value":..}].
    private String render(List<Object> h) {
      if (rootIsArray && h.size() >= 2 && h.get(0) instanceof Integer op && "value".equals(h.get(1))
          && opPaths.containsKey(op)) {
        List<Object> where = new ArrayList<>(pointer(opPaths.get(op)));
        where.addAll(h.subList(2, h.size()));
        return FieldPath.of(where);
      }
      return FieldPath.of(h);
    }
  }

  /** The segments of a JSON Pointer ({@code /data/tls.crt}, {@code ~1} and {@code ~0} unescaped). */
  static List<Object> pointer(String p) {
    List<Object> out = new ArrayList<>();
    if (p.isEmpty()) {
      return out;
    }
    for (String seg : p.substring(p.startsWith("/") ? 1 : 0).split("/", -1)) {
      String s = seg.replace("~1", "/").replace("~0", "~");
      out.add(!s.isEmpty() && s.length() < 10 && s.chars().allMatch(Character::isDigit) ? (Object) Integer.parseInt(s) : s);
    }
    return out;
  }
}
