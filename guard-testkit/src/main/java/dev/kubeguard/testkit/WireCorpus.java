package dev.kubeguard.testkit;

import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generated request targets that HTTP clients are known to rewrite, or might: dot segments plain
 * and percent-encoded, empty and trailing segments, encoded separators, odd characters, very long
 * names, and queries holding the same pieces. Every target is origin form and a valid URI, as the
 * conformance hook requires (no raw spaces, no bad escapes, no fragment), so any difference
 * between what a guard judged and what a server received is a client's rewrite, not the kit's.
 *
 * <p>Stateless; the generators are safe to share.
 */
public final class WireCorpus {

  /** Segments: dot segments in every spelling clients resolve, and near misses that are names. */
  public static final List<String> SEGMENTS = List.of(
      "app-config", "settings", ".", "..", "%2e", "%2E", "%2e%2e", "%2E%2e", ".%2e", "%2e.", "...", ".hidden",
      "a..b", "..a", "%252e%252e", "a%20b", "%C3%A9t%C3%A9", "%E2%9C%93", "%F0%9F%98%80", "x%2Fy", "x%2f..%2fy",
      "x%252Fy", "a;b", "..;x", "a+b", "~x", "%7E", "a'b", "a:b", "a@b", "a=b,c", "a%3Fb", "a%23b", "", "a".repeat(253), "b".repeat(254),
      "kube-system", "secrets", "db", "status", "shop");

  /** Namespaces: the plain one and a few that try to leave it. */
  public static final List<String> NAMESPACES = List.of("shop", "..", "%2e%2e", "", "shop%2Fsecrets", "kube-system", "a".repeat(63));

  /** Queries, with the leading {@code ?} (or none): dot segments and separators outside the path. */
  public static final List<String> QUERIES = List.of(
      "", "?", "?watch=true", "?fieldSelector=metadata.name%3D..", "?a=..&b=%2e%2e", "?q=a+b;c", "?x=%2F..%2F",
      "?labelSelector=app%20in%20(a,b)", "?limit=1&limit=2", "?dryRun=All", "?x=/../../kube-system/secrets/db",
      "?%77atch=1", "?q='a'", "?q=a:b@c!$", "?" + "v".repeat(300) + "=1");

  private WireCorpus() {}

  /**
   * Targets under {@code /api/v1/namespaces/<ns>/configmaps}: a collection, a name of one to three
   * generated segments (joined by {@code /}, so {@code x/../../kube-system/secrets/db} arises), an
   * optional trailing or doubled slash, a leading {@code //} now and then, and a query.
   */
  public static Gen<String> targets() {
    Gen<String> name = lists().of(Generate.pick(SEGMENTS)).ofSizeBetween(1, 3).map(s -> String.join("/", s));
    Gen<String> tail = Generate.pick(List.of("", "", "", "/", "//", "/status"));
    Gen<String> lead = Generate.pick(List.of("/", "/", "/", "/", "//"));
    Gen<String> ns = Generate.pick(NAMESPACES);
    Gen<String> query = Generate.pick(QUERIES);
    Gen<String> item = lead.zip(ns, name, (l, n, x) -> l + "api/v1/namespaces/" + n + "/configmaps/" + x)
        .zip(tail, query, (p, t, q) -> p + t + q);
    Gen<String> collection = ns.zip(query, (n, q) -> "/api/v1/namespaces/" + n + "/configmaps" + q);
    return Generate.frequency(List.of(Pair.of(9, item), Pair.of(1, collection)));
  }

  /** The methods the corpus is sent with: a read and a write that need no body. */
  public static Gen<String> methods() {
    return Generate.pick(List.of("GET", "GET", "DELETE"));
  }
}
