package dev.kubeguard.core.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.RequestInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Invariants of classification over generated requests. */
class ClassifierPropertiesTest {

  private static final RequestClassifier CLASSIFIER = RequestClassifier.standard();

  private static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "get", "CONNECT");

  /** Pieces that exercise every branch of URL reading. */
  private static final List<String> TOKENS =
      List.of(
          "/", "//", "%", "%2F", "%2f", "%25", "%252F", "%zz", "%4", "%C5%BF", "%FF", "%00", "?",
          "&", ";", "=", "==", "!=", "+", ".", "..", "#", "api", "apis", "API", "v1", "apps",
          "namespaces", "pods", "watch", "proxy", "exec", "status", "finalize", "fieldSelector=",
          "labelSelector=", "metadata.name", "watch=", "limit=", "timeoutSeconds=", "dryRun=All",
          "!", "(", ")", ",", "\\", "in", "notin", "a", "Z", "0", "-1", "é", "ſ", "\u0000", " ",
          "\t", "日本", "😀", "\ud800", "https://h");

  private static final Gen<String> TOKEN_STRINGS =
      lists().of(Generate.pick(TOKENS)).ofSizeBetween(0, 60).map(l -> String.join("", l));

  private static final Gen<String> ANY_STRINGS =
      Generate.oneOf(
          TOKEN_STRINGS,
          TOKEN_STRINGS.map(s -> "/" + s),
          TOKEN_STRINGS.map(s -> "/api/v1/" + s),
          TOKEN_STRINGS.map(s -> "/apis/apps/v1/namespaces/" + s),
          strings().allPossible().ofLengthBetween(0, 80),
          strings().ascii().ofLengthBetween(0, 80).map(s -> "/" + s));

  @Test
  void classificationIsTotalOverArbitraryStrings() {
    qt().withExamples(3000)
        .forAll(Generate.pick(METHODS), ANY_STRINGS)
        .checkAssert(ClassifierPropertiesTest::classifyOrRefuse);
  }

  @Test
  void classificationIsTotalOverHugeRepetitiveInputs() {
    qt().withExamples(20)
        .forAll(Generate.pick(TOKENS), integers().between(10_000, 100_000), Generate.pick(List.of(
            "/api/v1/namespaces/a/pods/", "/api/v1/pods?labelSelector=", "/api/v1/pods?fieldSelector=",
            "/api/v1/pods?watch=1&")))
        .checkAssert((token, times, prefix) -> classifyOrRefuse("GET", prefix + token.repeat(times)));
  }

  private static void classifyOrRefuse(String method, String target) {
    try {
      RequestInfo info = CLASSIFIER.classify(method, target);
      assertThat(info).isNotNull();
      assertThat(CLASSIFIER.authorizationChecks(info, KubeRequest.of(method, "/x"))).hasSize(1);
    } catch (ClassificationException e) {
      assertThat(e.httpStatus()).isIn(400, 500);
    }
    CLASSIFIER.isDryRun(target); // never throws
  }

  // ---- agreement between encoded and decoded forms -----------------------------------------

  private static final List<String> SEGMENT_CHARS =
      List.of("a", "b", "Z", "0", "9", "-", ".", "_", "~", "!", "$", "'", "(", ")", "*", "+", ",",
          ";", "=", ":", "@", "#", "&", "é", "ſ", "日", "😀");

  private static final Gen<String> SEGMENTS =
      Generate.oneOf(
          Generate.pick(List.of("", ".", "..", "api", "apis", "v1", "apps", "namespaces", "pods",
              "watch", "proxy", "exec", "status", "finalize", "default")),
          lists().of(Generate.pick(SEGMENT_CHARS)).ofSizeBetween(0, 6).map(l -> String.join("", l)));

  private static final Gen<String> PATHS =
      lists().of(SEGMENTS).ofSizeBetween(0, 8)
          .zip(integers().between(0, 3), (segs, trailing) ->
              "/" + String.join("/", segs) + "/".repeat(trailing));

  private static final List<String> QUERY_CHARS =
      List.of("a", "1", "0", "-", ".", "_", "!", "(", ")", ",", ":", "é", "ſ", "=", "\\", "#",
          "/", "%");

  private static final Gen<String> QUERY_VALUES =
      Generate.oneOf(
          Generate.pick(List.of("", "true", "false", "FALSE", "0", "1", "metadata.name=x",
              "metadata.name==y", "metadata.name!=z", "a in (b)", "x,y", "10", "abc")),
          lists().of(Generate.pick(QUERY_CHARS)).ofSizeBetween(0, 8).map(l -> String.join("", l)));

  private static final Gen<List<String[]>> QUERIES =
      lists().of(Generate.pick(List.of("watch", "fieldSelector", "labelSelector", "limit",
              "timeoutSeconds", "dryRun", "other"))
          .zip(QUERY_VALUES, (k, v) -> new String[] {k, v})).ofSizeBetween(0, 4);

  @Test
  void percentEncodingAnyCharacterNeverChangesTheClassification() {
    qt().withExamples(1500)
        .forAll(Generate.pick(List.of("GET", "HEAD", "POST", "DELETE", "PUT")), PATHS, QUERIES,
            Generate.longRange(0, Long.MAX_VALUE))
        .checkAssert((method, path, query, seed) -> {
          java.util.Random random = new java.util.Random(seed);
          String plainQuery = renderQuery(query, false, random);
          String plain = path + plainQuery;
          String encoded = encodePath(path, random) + renderQuery(query, true, random);
          assertThat(outcome(method, encoded)).as(encoded).isEqualTo(outcome(method, plain));
        });
  }

  /**
   * A path whose every character, {@code /} included, may be percent-encoded (UTF-8, either hex
   * case); only the leading {@code /} stays, since without it the target is not origin-form and
   * Go's server rejects it.
   */
  private static String encodePath(String path, java.util.Random random) {
    StringBuilder b = new StringBuilder("/");
    path.substring(1).codePoints().forEach(cp -> {
      if (random.nextInt(3) == 0) {
        appendEncoded(b, cp, random);
      } else {
        b.appendCodePoint(cp);
      }
    });
    return b.toString();
  }

  /**
   * A query; its plain form is only generated where it reads the same as the decoded form, so
   * characters with a meaning in a raw query ({@code % + & ;}) and the space (which ends a request
   * target) are always encoded there too.
   */
  private static String renderQuery(List<String[]> pairs, boolean encodeRandomly, java.util.Random random) {
    if (pairs.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("?");
    for (String[] kv : pairs) {
      if (b.length() > 1) {
        b.append('&');
      }
      appendQueryPart(b, kv[0], encodeRandomly, random);
      b.append('=');
      appendQueryPart(b, kv[1], encodeRandomly, random);
    }
    return b.toString();
  }

  private static void appendQueryPart(StringBuilder b, String s, boolean encodeRandomly, java.util.Random random) {
    s.codePoints().forEach(cp -> {
      boolean mustEncode = cp == '%' || cp == '+' || cp == '&' || cp == ';' || cp == ' ';
      if (mustEncode || (encodeRandomly && random.nextInt(3) == 0)) {
        appendEncoded(b, cp, random);
      } else {
        b.appendCodePoint(cp);
      }
    });
  }

  private static void appendEncoded(StringBuilder b, int cp, java.util.Random random) {
    for (byte x : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
      String hex = String.format("%02X", x & 0xff);
      b.append('%').append(random.nextBoolean() ? hex : hex.toLowerCase(java.util.Locale.ROOT));
    }
  }

  private static Object outcome(String method, String target) {
    try {
      return CLASSIFIER.classify(method, target);
    } catch (ClassificationException e) {
      return "refused " + e.httpStatus();
    }
  }

  // ---- determinism and the number of checks -------------------------------------------------

  private static final Gen<String> HEADER_VALUES =
      Generate.oneOf(
          Generate.pick(List.of("alice", "system:serviceaccount:shop:deployer",
              "system:serviceaccount:Bad:x", "system:masters", "", "a,b", "é")),
          strings().basicLatinAlphabet().ofLengthBetween(1, 12));

  private static final Gen<List<String>> GROUPS = lists().of(HEADER_VALUES).ofSizeBetween(0, 3);

  private static final Gen<Map<String, List<String>>> EXTRAS =
      lists().of(Generate.pick(List.of("Scopes", "Example.com%2FTeam", "reason", "a%zz", "X"))
              .zip(lists().of(HEADER_VALUES).ofSizeBetween(1, 2), (k, v) -> Map.entry(k, v)))
          .ofSizeBetween(0, 3)
          .map(entries -> {
            Map<String, List<String>> m = new LinkedHashMap<>();
            entries.forEach(e -> m.merge(e.getKey(), e.getValue(), (a, c) -> {
              List<String> all = new ArrayList<>(a);
              all.addAll(c);
              return all;
            }));
            return m;
          });

  @Test
  void everyRequestYieldsOnePrimaryCheckPlusOnePerImpersonationValue() {
    qt().withExamples(800)
        .forAll(PATHS, Generate.pick(List.of("GET", "POST", "DELETE")), Generate.booleans(),
            strings().basicLatinAlphabet().ofLengthBetween(1, 10).zip(GROUPS, EXTRAS,
                (user, groups, extras) -> new Object[] {user, groups, extras}))
        .checkAssert((path, method, upgrade, imp) -> {
          String user = (String) imp[0];
          @SuppressWarnings("unchecked") List<String> groups = (List<String>) imp[1];
          @SuppressWarnings("unchecked") Map<String, List<String>> extras = (Map<String, List<String>>) imp[2];
          Map<String, List<String>> headers = new LinkedHashMap<>();
          headers.put("Impersonate-User", List.of(user));
          if (!groups.isEmpty()) {
            headers.put("Impersonate-Group", groups);
          }
          extras.forEach((k, v) -> headers.put("Impersonate-Extra-" + k, v));
          if (upgrade) {
            headers.put("Upgrade", List.of("websocket"));
          }
          KubeRequest request = KubeRequest.of(method, path, headers, null);
          Object first = outcome(method, path);
          assertThat(outcome(method, path)).isEqualTo(first);
          if (!(first instanceof RequestInfo info)) {
            return;
          }
          List<Attributes> checks = checksOrFail(info, request);
          assertThat(checksOrFail(info, request)).isEqualTo(checks);
          int extraValues = extras.values().stream().mapToInt(List::size).sum();
          assertThat(checks).hasSize(1 + 1 + groups.size() + extraValues);
          Attributes primary = Attributes.of(info);
          assertThat(checks.get(0)).isIn(primary, primary.withVerb("create"));
          assertThat(checks.subList(1, checks.size())).allMatch(a -> a.verb().equals("impersonate"));
        });
  }

  @Test
  void impersonatingGroupsOrExtrasWithoutAUserIsAlwaysRefused() {
    qt().withExamples(300)
        .forAll(PATHS, GROUPS, EXTRAS)
        .assuming((path, groups, extras) -> !groups.isEmpty() || !extras.isEmpty())
        .checkAssert((path, groups, extras) -> {
          Map<String, List<String>> headers = new LinkedHashMap<>();
          if (!groups.isEmpty()) {
            headers.put("Impersonate-Group", groups);
          }
          extras.forEach((k, v) -> headers.put("Impersonate-Extra-" + k, v));
          RequestInfo info = RequestInfo.nonResource("/", "get");
          try {
            CLASSIFIER.authorizationChecks(info, KubeRequest.of("GET", path, headers, null));
            throw new AssertionError("impersonation without a user was not refused: " + headers);
          } catch (ClassificationException e) {
            assertThat(e.httpStatus()).isEqualTo(400);
          }
        });
  }

  private static List<Attributes> checksOrFail(RequestInfo info, KubeRequest request) {
    try {
      return CLASSIFIER.authorizationChecks(info, request);
    } catch (ClassificationException e) {
      throw new AssertionError("unexpected refusal of " + request.headers(), e);
    }
  }
}
