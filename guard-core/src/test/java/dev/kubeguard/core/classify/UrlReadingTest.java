package dev.kubeguard.core.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.RequestInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How kube-apiserver reads a URL before classifying it (ECOSYSTEM-NOTES.md, observed on v1.28.7). */
class UrlReadingTest {

  private final RequestClassifier classifier = RequestClassifier.standard();

  private RequestInfo get(String target) throws ClassificationException {
    return classifier.classify("GET", target);
  }

  private static void assertRejected(ThrowingCall call, int status) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            ClassificationException.class, e -> assertThat(e.httpStatus()).isEqualTo(status));
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void encodedSlashSplitsTheNameFromTheSubresource() throws Exception {
    RequestInfo info = classifier.classify("POST", "/api/v1/namespaces/a/pods/x%2Fexec");
    assertThat(info.name()).isEqualTo("x");
    assertThat(info.subresource()).isEqualTo("exec");
    assertThat(info.verb()).isEqualTo("create");
    assertThat(info.path()).isEqualTo("/api/v1/namespaces/a/pods/x/exec");
  }

  @Test
  void encodedLettersAreDecodedBeforeMatchingThePrefix() throws Exception {
    RequestInfo info = get("/%61pi/v1/namespaces/a/secrets/s");
    assertThat(info.isResourceRequest()).isTrue();
    assertThat(info.apiPrefix()).isEqualTo("api");
    assertThat(info.resource()).isEqualTo("secrets");
    assertThat(info.name()).isEqualTo("s");
  }

  @Test
  void doubleEncodedSlashStaysALiteralPercentTwoF() throws Exception {
    RequestInfo info = get("/api/v1/namespaces/a/pods/x%252Fexec");
    assertThat(info.name()).isEqualTo("x%2Fexec");
    assertThat(info.subresource()).isEmpty();
    assertThat(info.verb()).isEqualTo("get");
  }

  @Test
  void dotSegmentsAreNeverResolved() throws Exception {
    RequestInfo info = get("/api/v1/namespaces/a/pods/x/../y");
    assertThat(info.name()).isEqualTo("x");
    assertThat(info.subresource()).isEqualTo("..");
    assertThat(info.parts()).containsExactly("pods", "x", "..", "y");

    RequestInfo encoded = get("/api/v1/namespaces/a/pods/x/%2E%2E/y");
    assertThat(encoded.subresource()).isEqualTo("..");

    RequestInfo namespaceDots = get("/api/v1/namespaces/../secrets");
    assertThat(namespaceDots.namespace()).isEqualTo("..");
    assertThat(namespaceDots.resource()).isEqualTo("secrets");
  }

  @Test
  void leadingDoubleSlashAndTrailingSlashAreTrimmed() throws Exception {
    RequestInfo info = get("//api/v1/namespaces/a/pods/");
    assertThat(info.isResourceRequest()).isTrue();
    assertThat(info.verb()).isEqualTo("list");
    assertThat(info.namespace()).isEqualTo("a");
    assertThat(info.resource()).isEqualTo("pods");
    assertThat(info.path()).isEqualTo("//api/v1/namespaces/a/pods/");
  }

  @Test
  void emptyNamespaceSegmentMeansAllNamespaces() throws Exception {
    RequestInfo info = get("/api/v1/namespaces//pods");
    assertThat(info.verb()).isEqualTo("list");
    assertThat(info.namespace()).isEmpty();
    assertThat(info.resource()).isEqualTo("pods");
    assertThat(info.parts()).containsExactly("pods");
  }

  @Test
  void emptyMiddleSegmentsAreKept() throws Exception {
    RequestInfo info = get("/api/v1//pods");
    assertThat(info.resource()).isEmpty();
    assertThat(info.name()).isEqualTo("pods");
    assertThat(info.verb()).isEqualTo("get");
  }

  @Test
  void nothingIsCaseFolded() throws Exception {
    RequestInfo upper = get("/API/v1/namespaces/a/pods");
    assertThat(upper.isResourceRequest()).isFalse();
    assertThat(upper.verb()).isEqualTo("get");

    assertThat(get("/api/v1/namespaces/a/pods?Watch=true").verb()).isEqualTo("list");
    RequestInfo upperNamespaces = get("/api/v1/Namespaces/a/pods");
    assertThat(upperNamespaces.namespace()).isEmpty();
    assertThat(upperNamespaces.resource()).isEqualTo("Namespaces");
    assertThat(upperNamespaces.subresource()).isEqualTo("pods");
  }

  @Test
  void methodIsComparedCaseSensitivelyForResourceVerbs() throws Exception {
    assertThat(classifier.classify("get", "/api/v1/pods/x").verb()).isEmpty();
    assertThat(classifier.classify("get", "/healthz").verb()).isEqualTo("get");
    assertThat(classifier.classify("OPTIONS", "/api/v1/pods").verb()).isEmpty();
  }

  @Test
  void watchIsTrueForAnyValueButZeroOrFalse() throws Exception {
    assertThat(get("/api/v1/pods?watch").verb()).isEqualTo("watch");
    assertThat(get("/api/v1/pods?watch=").verb()).isEqualTo("watch");
    assertThat(get("/api/v1/pods?watch=no").verb()).isEqualTo("watch");
    assertThat(get("/api/v1/pods?watch=FALSE").verb()).isEqualTo("list");
    assertThat(get("/api/v1/pods?watch=False").verb()).isEqualTo("list");
    assertThat(get("/api/v1/pods?watch=0").verb()).isEqualTo("list");
    assertThat(get("/api/v1/pods?watch=00").verb()).isEqualTo("watch");
    assertThat(get("/api/v1/pods?watch=false&watch=true").verb()).isEqualTo("list");
    assertThat(get("/api/v1/pods?watch=true&watch=false").verb()).isEqualTo("watch");
  }

  @Test
  void refusesAWatchValueThatServerVersionsReadDifferently() {
    // "falſe" (U+017F long s): EqualFold says false, strings.ToLower says true.
    assertRejected(() -> get("/api/v1/pods?watch=fal%C5%BFe"), 400);
  }

  @Test
  void queryNamesArePercentDecoded() throws Exception {
    assertThat(get("/api/v1/pods?wat%63h=true").verb()).isEqualTo("watch");
  }

  @Test
  void queryPairsWithSemicolonsAreDropped() throws Exception {
    assertThat(get("/api/v1/pods?watch=true;x=y").verb()).isEqualTo("list");
    assertThat(get("/api/v1/pods?a=b;c&watch=1").verb()).isEqualTo("watch");
  }

  @Test
  void queryPairsWithBadEscapesAreDropped() throws Exception {
    assertThat(get("/api/v1/pods?watch=%zz&watch=false").verb()).isEqualTo("list");
    assertThat(get("/api/v1/pods?wat%zzch=1").verb()).isEqualTo("list");
  }

  @Test
  void plusInTheQueryIsASpace() throws Exception {
    RequestInfo info = get("/api/v1/pods?labelSelector=a+in+(b)");
    assertThat(info.labelSelector()).isEqualTo("a in (b)");
  }

  @Test
  void badEscapeInThePathIsABadRequest() {
    assertRejected(() -> get("/api/v1/namespaces/a/pods/x%zz"), 400);
    assertRejected(() -> get("/api/v1/pods/x%"), 400);
    assertRejected(() -> get("/api/v1/pods/x%4"), 400);
  }

  @Test
  void legacyWatchOrProxyWithNothingAfterItIsAnInternalError() {
    assertRejected(() -> get("/api/v1/watch"), 500);
    assertRejected(() -> get("/api/v1/proxy/"), 500);
    assertRejected(() -> get("/apis/apps/v1/watch"), 500);
  }

  @Test
  void legacyProxyIsProxyForEveryMethodAndNeverHasASubresource() throws Exception {
    for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")) {
      RequestInfo info = classifier.classify(method, "/api/v1/proxy/namespaces/a/pods/p/exec");
      assertThat(info.verb()).isEqualTo("proxy");
      assertThat(info.subresource()).isEmpty();
      assertThat(info.name()).isEqualTo("p");
    }
  }

  @Test
  void legacyWatchIsWatchWhateverTheMethodOrQuery() throws Exception {
    RequestInfo info = classifier.classify("DELETE", "/api/v1/watch/namespaces/a/pods?watch=false");
    assertThat(info.verb()).isEqualTo("watch");
  }

  @Test
  void fieldSelectorNamesTheObjectOnlyForAnExactValidTerm() throws Exception {
    assertThat(get("/api/v1/pods?fieldSelector=metadata.name%3Dfoo").name()).isEqualTo("foo");
    assertThat(get("/api/v1/pods?fieldSelector=metadata.name==foo").name()).isEqualTo("foo");
    assertThat(get("/api/v1/pods?fieldSelector=metadata.name!=foo").name()).isEmpty();
    assertThat(get("/api/v1/pods?fieldSelector=metadata.name=..").name()).isEmpty();
    assertThat(get("/api/v1/pods?fieldSelector=metadata.name=a%2Fb").name()).isEmpty();
    assertThat(get("/api/v1/pods?fieldSelector=metadata.name=a%25b").name()).isEmpty();
    assertThat(get("/api/v1/pods?fieldSelector=metadata.name=b,metadata.name=a").name())
        .isEqualTo("a");
    assertThat(get("/api/v1/pods?fieldSelector=status.phase=Running,metadata.name=x").name())
        .isEqualTo("x");
    assertThat(get("/api/v1/pods?fieldSelector=metadata.name=a%5C,b").name()).isEqualTo("a,b");
    assertThat(get("/api/v1/pods?fieldSelector=metadata.name=a%5Cx").name()).isEmpty();
  }

  @Test
  void invalidListOptionsDropTheFieldSelectorNameButKeepWatch() throws Exception {
    RequestInfo badLimit = get("/api/v1/pods?fieldSelector=metadata.name=foo&limit=ten");
    assertThat(badLimit.name()).isEmpty();
    assertThat(badLimit.verb()).isEqualTo("list");
    assertThat(badLimit.fieldSelector()).isEqualTo("metadata.name=foo");

    assertThat(get("/api/v1/pods?fieldSelector=metadata.name=foo&timeoutSeconds=").name()).isEmpty();
    assertThat(get("/api/v1/pods?fieldSelector=metadata.name=foo&limit=99999999999999999999").name())
        .isEmpty();
    assertThat(get("/api/v1/pods?fieldSelector=metadata.name=foo&limit=-5").name()).isEqualTo("foo");
    assertThat(get("/api/v1/pods?fieldSelector=metadata.name=foo&labelSelector=!!").name()).isEmpty();
    assertThat(get("/api/v1/pods?watch=1&limit=x").verb()).isEqualTo("watch");
  }

  @Test
  void selectorsAreRecordedOnlyWhereTheApiserverRecordsThem() throws Exception {
    RequestInfo list = get("/api/v1/namespaces/a/pods?labelSelector=app%3Dweb&fieldSelector=x=y");
    assertThat(list.labelSelector()).isEqualTo("app=web");
    assertThat(list.fieldSelector()).isEqualTo("x=y");

    RequestInfo create = classifier.classify("POST", "/api/v1/namespaces/a/pods?labelSelector=a");
    assertThat(create.labelSelector()).isEmpty();

    RequestInfo legacyWatch = get("/api/v1/watch/namespaces/a/pods?labelSelector=a");
    assertThat(legacyWatch.labelSelector()).isEmpty();
  }

  @Test
  void invalidMethodIsABadRequest() {
    assertRejected(() -> classifier.classify("G ET", "/api/v1/pods"), 400);
    assertRejected(() -> classifier.classify("", "/api/v1/pods"), 400);
  }

  @Test
  void malformedTargetsAreBadRequests() {
    assertRejected(() -> get(""), 400);
    assertRejected(() -> get("api/v1/pods"), 400);
    assertRejected(() -> get("/api/v1/pods x"), 400);
    assertRejected(() -> get("/api/v1/pods\n"), 400);
    assertRejected(() -> get("/api/v1/pods/\ud800"), 400);
    assertRejected(() -> get("/api/v1/namespaces/%FF/pods"), 400);
  }

  @Test
  void hashStaysInThePathAsGoReadsARequestTarget() throws Exception {
    RequestInfo info = get("/api/v1/namespaces/a/pods/x#y");
    assertThat(info.name()).isEqualTo("x#y");
  }

  @Test
  void absoluteUrlsAreReducedToPathAndQuery() throws Exception {
    RequestInfo info = get("https://kube.example:6443/api/v1/namespaces/a/pods?watch=1");
    assertThat(info.verb()).isEqualTo("watch");
    assertThat(info.namespace()).isEqualTo("a");
    assertThat(get("https://kube.example").path()).isEqualTo("/");
  }

  @Test
  void unicodeNamesSurviveDecoding() throws Exception {
    assertThat(get("/api/v1/namespaces/a/configmaps/caf%C3%A9").name()).isEqualTo("café");
    assertThat(get("/api/v1/namespaces/a/configmaps/café").name()).isEqualTo("café");
  }

  @Test
  void hugeInputsAreClassifiedWithoutBlowingUp() throws Exception {
    String many = "/api/v1/namespaces/a/pods/x" + "/%2F".repeat(300_000);
    assertThat(get(many).name()).isEqualTo("x");
    String selector = "a,".repeat(500_000) + "b";
    assertThat(get("/api/v1/pods?labelSelector=" + selector).labelSelector()).hasSize(1_000_001);
    assertRejected(() -> get("/api/v1/pods?" + "a=b&".repeat(20_000)), 400);
  }
}
