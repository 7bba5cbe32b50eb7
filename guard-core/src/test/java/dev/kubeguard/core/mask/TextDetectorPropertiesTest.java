package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * pods/log through {@link TextMaskingStream}: a credential of each detector's class, planted with
 * random keywords, casing, separators and values inside random log noise, never survives, at any
 * chunking down to one byte per chunk; and ordinary low-entropy log lines come out byte-identical.
 */
class TextDetectorPropertiesTest {

  static final DefaultMasker MASKER = Masking.masker();
  static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  static final String B64 = ALNUM + "+/";
  static final String[] KEYWORDS = {
    "password", "passwd", "passphrase", "pwd", "secret", "token", "credential", "creds", "auth",
    "authorization", "api_key", "apikey", "api-key", "access_key", "accessKey", "private_key",
    "client_secret", "clientSecret", "session", "session_id", "cookie", "signature", "bearer",
    "aws_secret_access_key", "refresh_token", "x-auth-token"
  };
  static final String[] SEPARATORS = {"=", ": ", " = ", ":", ":=", " => ", "\":\"", "=\"", "='", "\": \""};
  static final int CLASSES = 10;

  @Test
  void aPlantedCredentialNeverSurvivesWhereverTheChunksAreCut() {
    qt().withExamples(300)
        .forAll(longs().all(), integers().between(0, CLASSES - 1))
        .checkAssert((seed, kind) -> {
          Random r = new Random(seed);
          List<String> secrets = new ArrayList<>();
          String log = noise(r, 3) + plant(kind, r, secrets) + noise(r, 3);
          byte[] body = log.getBytes(StandardCharsets.UTF_8);
          String whole = mask(body, body.length);
          for (String s : secrets) {
            assertThat(whole).as("class %d, seed %d: secret survived", kind, seed).doesNotContain(s);
          }
          assertThat(mask(body, 1)).as("one byte per chunk").isEqualTo(whole);
          assertThat(mask(body, 1 + r.nextInt(64))).as("random chunks").isEqualTo(whole);
        });
  }

  @Test
  void ordinaryLogLinesComeOutByteIdentical() {
    qt().withExamples(300)
        .forAll(longs().all())
        .checkAssert(seed -> {
          Random r = new Random(seed);
          byte[] body = noise(r, 1 + r.nextInt(20)).getBytes(StandardCharsets.UTF_8);
          String in = new String(body, StandardCharsets.UTF_8);
          assertThat(mask(body, 1 + r.nextInt(64))).as("seed %d", seed).isEqualTo(in);
        });
  }

  // ---- planted credentials, one class per detector

  private static String plant(int kind, Random r, List<String> secrets) {
    String pre = words(r, 1 + r.nextInt(3)) + " ";
    String post = " " + words(r, r.nextInt(3)) + "\n";
    switch (kind) {
      case 0 -> { // keyword, separator, high-entropy value
        String value = credential(r, 20 + r.nextInt(29));
        secrets.add(value);
        String key = casing(r, pick(r, "", "DB_", "app.", "X-", "my") + pick(r, KEYWORDS));
        String sep = pick(r, SEPARATORS);
        String close = sep.endsWith("\"") ? "\"" : sep.endsWith("'") ? "'" : "";
        return pre + key + sep + value + close + post;
      }
      case 1 -> { // Bearer with an opaque (non-JWT) token
        String value = from(r, ALNUM + "._~+/-", 20 + r.nextInt(40)) + "A1";
        secrets.add(value);
        return pre + pick(r, "Authorization: ", "authorization=", "-H 'Authorization: ", "") + casing(r, "bearer")
            + " " + value + post;
      }
      case 2 -> { // Basic user:password
        String password = credential(r, 12 + r.nextInt(12));
        String b64 = Base64.getEncoder().encodeToString(("user" + r.nextInt(99) + ":" + password).getBytes());
        secrets.add(b64);
        return pre + "Authorization: " + casing(r, "basic") + " " + b64 + post;
      }
      case 3 -> { // another Authorization scheme
        String value = credential(r, 16 + r.nextInt(32));
        secrets.add(value);
        return pre + casing(r, "authorization") + ": " + pick(r, "Token", "SSWS", "ApiKey", "token") + " " + value + post;
      }
      case 4 -> { // vendor prefixes
        String value = switch (r.nextInt(6)) {
          case 0 -> pick(r, "AKIA", "ASIA") + from(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
          case 1 -> "ghp_" + from(r, ALNUM, 36);
          case 2 -> "glpat-" + from(r, ALNUM + "_-", 20);
          case 3 -> "xoxb-" + from(r, "0123456789", 12) + "-" + from(r, ALNUM, 24);
          case 4 -> "sk_live_" + from(r, ALNUM, 24);
          default -> "AIza" + from(r, ALNUM + "_-", 35);
        };
        secrets.add(value);
        return pre + value + post;
      }
      case 5 -> { // JWT
        String value = "eyJ" + from(r, ALNUM + "_-", 20) + ".eyJ" + from(r, ALNUM + "_-", 40) + "." + from(r, ALNUM + "_-", 43);
        secrets.add(value);
        return pre + value + post;
      }
      case 6 -> { // URL password
        String value = credential(r, 10 + r.nextInt(20));
        secrets.add(value);
        return pre + pick(r, "postgres", "redis", "amqp", "https") + "://app:" + value + "@db.shop.svc:5432/x" + post;
      }
      case 7 -> { // a whole private key
        List<String> lines = keyLines(r);
        secrets.addAll(lines.subList(0, lines.size() - 1));
        String label = pick(r, "", "RSA ", "EC ", "OPENSSH ");
        return pre + "\n-----BEGIN " + label + "PRIVATE KEY-----\n" + String.join("\n", lines)
            + "\n-----END " + label + "PRIVATE KEY-----" + post;
      }
      case 8 -> { // a log that starts mid-key: no BEGIN line
        List<String> lines = keyLines(r);
        int from = r.nextInt(lines.size());
        List<String> tail = lines.subList(from, lines.size());
        tail.stream().filter(l -> l.length() >= 8).forEach(secrets::add);
        return String.join("\n", tail) + "\n-----END PRIVATE KEY-----\n" + pre + post;
      }
      default -> { // password-family key with a low-entropy human password
        String value = words(r, 1).replace(" ", "") + r.nextInt(10_000) + pick(r, "!", "", "#", "-x");
        secrets.add(value);
        return pre + casing(r, pick(r, "password", "passwd", "DB_PASSWORD", "pwd")) + pick(r, "=", ": ", "=\"") + value
            + post.replaceFirst("^ ", "\" ");
      }
    }
  }

  /** Base64 lines of a key: full 64-character lines and a shorter last one. */
  private static List<String> keyLines(Random r) {
    List<String> lines = new ArrayList<>();
    int full = 1 + r.nextInt(8);
    for (int i = 0; i < full; i++) {
      lines.add(from(r, B64, 64));
    }
    int last = 4 * (1 + r.nextInt(15));
    String pad = pick(r, "", "=", "==");
    lines.add(from(r, B64, last - pad.length() - 1) + pick(r, "A", "Q", "g", "7") + pad);
    return lines;
  }

  /** A random credential with upper case, lower case and a digit, starting with a letter. */
  private static String credential(Random r, int n) {
    return pick(r, "K", "q", "Z") + from(r, ALNUM + "._~+-", n - 4) + "a" + "M" + (char) ('0' + r.nextInt(10));
  }

  // ---- noise: what logs of a Kubernetes workload look like, with nothing secret

  private static String noise(Random r, int lines) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      sb.append(switch (r.nextInt(8)) {
        case 0 -> String.format(Locale.ROOT, "I1127 11:%02d:%02d.%06d       1 %s.go:%d] \"%s\" pod=\"shop/%s-%s\" secret=\"shop/%s\"",
            r.nextInt(60), r.nextInt(60), r.nextInt(1_000_000), word(r), r.nextInt(900), words(r, 2), word(r), podSuffix(r), word(r));
        case 1 -> String.format(Locale.ROOT, "2026-11-27T11:30:%02d.%03dZ %s %s", r.nextInt(60), r.nextInt(1000),
            pick(r, "INFO", "WARN", "DEBUG"), words(r, 3 + r.nextInt(6)));
        case 2 -> String.format(Locale.ROOT, "10.%d.%d.%d - - [27/Nov/2026:11:30:26 +0000] \"GET /%s HTTP/1.1\" %d %d",
            r.nextInt(256), r.nextInt(256), r.nextInt(256), word(r), pick(r, 200, 404, 500), r.nextInt(9999));
        case 3 -> String.format(Locale.ROOT, "{\"level\":\"info\",\"ts\":%d.%d,\"msg\":\"%s\",\"uid\":\"%s\"}",
            1795779039 + r.nextInt(9999), r.nextInt(999), words(r, 3), uid(r));
        case 4 -> "pulled image registry.k8s.io/" + word(r) + ":v1." + r.nextInt(30) + "@sha256:" + from(r, "0123456789abcdef", 64);
        case 5 -> pick(r, "token expired for user ", "password reset requested by ", "Bearer authentication required for ",
            "session closed: ", "auth: required for ", "cookie set for ") + word(r);
        case 6 -> "resourceVersion=" + r.nextInt(999_999) + " generation=" + r.nextInt(20) + " secretName: " + word(r) + "-tls";
        default -> words(r, 2 + r.nextInt(10));
      }).append('\n');
    }
    return sb.toString();
  }

  private static String uid(Random r) {
    String h = "0123456789abcdef";
    return from(r, h, 8) + "-" + from(r, h, 4) + "-" + from(r, h, 4) + "-" + from(r, h, 4) + "-" + from(r, h, 12);
  }

  private static String podSuffix(Random r) {
    return from(r, "bcdfghjklmnpqrstvwxz2456789", 10) + "-" + from(r, "bcdfghjklmnpqrstvwxz2456789", 5);
  }

  private static String words(Random r, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : " ").append(word(r));
    }
    return sb.toString();
  }

  private static String word(Random r) {
    return pick(r, "starting", "web", "server", "listening", "connected", "to", "database", "ready", "request",
        "handled", "in", "ms", "shop", "checkout", "cart", "retrying", "after", "error", "timeout", "cache", "miss",
        "worker", "queue", "drained", "reconcile", "deployment", "replica", "scaled", "node", "healthy");
  }

  private static String casing(Random r, String s) {
    return switch (r.nextInt(3)) {
      case 0 -> s;
      case 1 -> s.toUpperCase(Locale.ROOT);
      default -> Character.toUpperCase(s.charAt(0)) + s.substring(1);
    };
  }

  private static String from(Random r, String alphabet, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  @SafeVarargs
  private static <T> T pick(Random r, T... options) {
    return options[r.nextInt(options.length)];
  }

  /** Masks {@code body} as pods/log, written in chunks of {@code chunk} bytes. */
  private static String mask(byte[] body, int chunk) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      MaskingStream s = MASKER.open(
          new MaskingContext("default", "text/plain", Masking.request("get", "pods", "log")),
          c -> out.write(DefaultMaskerTest.bytes(c)));
      for (int i = 0; i < body.length; i += chunk) {
        s.write(ByteBuffer.wrap(body, i, Math.min(chunk, body.length - i)));
      }
      s.finish();
      return out.toString(StandardCharsets.UTF_8);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
