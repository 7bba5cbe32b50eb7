package dev.kubeguard.core.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.RequestInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The authorization questions a request raises: upgrades asked as create, impersonation. */
class AuthorizationChecksTest {

  private final RequestClassifier classifier = RequestClassifier.standard();

  private List<Attributes> checks(String method, String target, Map<String, List<String>> headers)
      throws ClassificationException {
    KubeRequest request = KubeRequest.of(method, target, headers, null);
    RequestInfo info = classifier.classify(method, target);
    return classifier.authorizationChecks(info, request);
  }

  private static Map<String, List<String>> headers(String... nameValue) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      h.computeIfAbsent(nameValue[i], k -> new java.util.ArrayList<>()).add(nameValue[i + 1]);
    }
    return h;
  }

  private static final Map<String, List<String>> WEBSOCKET =
      headers("Connection", "Upgrade", "Upgrade", "websocket");

  @ParameterizedTest
  @CsvSource({"GET,exec", "POST,exec", "GET,attach", "POST,attach", "GET,portforward", "POST,portforward"})
  void upgradeToExecAttachOrPortForwardIsAskedAsCreate(String method, String subresource)
      throws Exception {
    List<Attributes> checks =
        checks(method, "/api/v1/namespaces/shop/pods/web/" + subresource + "?command=sh", WEBSOCKET);
    assertThat(checks).hasSize(1);
    assertThat(checks.get(0).verb()).isEqualTo("create");
    assertThat(checks.get(0).combinedResource()).isEqualTo("pods/" + subresource);
    assertThat(checks.get(0).namespace()).isEqualTo("shop");
    assertThat(checks.get(0).name()).isEqualTo("web");
  }

  @ParameterizedTest
  @CsvSource({"GET,log,get", "GET,status,get", "POST,eviction,create", "GET,proxy,get"})
  void upgradeToOtherSubresourcesKeepsTheirVerb(String method, String subresource, String verb)
      throws Exception {
    List<Attributes> checks =
        checks(method, "/api/v1/namespaces/shop/pods/web/" + subresource, WEBSOCKET);
    assertThat(checks.get(0).verb()).isEqualTo(verb);
  }

  @Test
  void plainGetOfExecWithoutUpgradeKeepsKubesVerb() throws Exception {
    assertThat(checks("GET", "/api/v1/namespaces/shop/pods/web/exec", Map.of()).get(0).verb())
        .isEqualTo("get");
  }

  @Test
  void spdyUpgradeHeaderAloneCountsAsUpgrade() throws Exception {
    List<Attributes> checks =
        checks("POST", "/api/v1/namespaces/shop/pods/web/exec", headers("Upgrade", "SPDY/3.1"));
    assertThat(checks.get(0).verb()).isEqualTo("create");
  }

  @Test
  void primaryCheckIsTheRequestInfoUnchanged() throws Exception {
    RequestInfo info = classifier.classify("GET", "/api/v1/namespaces/a/pods?labelSelector=x");
    assertThat(classifier.authorizationChecks(info, KubeRequest.of("GET", "/api/v1/namespaces/a/pods?labelSelector=x")))
        .containsExactly(Attributes.of(info));
  }

  @Test
  void impersonatingAUserAsksForUsers() throws Exception {
    List<Attributes> checks = checks("GET", "/api/v1/pods", headers("Impersonate-User", "alice"));
    assertThat(checks).hasSize(2);
    assertThat(checks.get(1))
        .isEqualTo(Attributes.resource("impersonate", "", "", "users", "", "", "alice"));
  }

  @Test
  void impersonatingAServiceAccountAsksForItInItsNamespace() throws Exception {
    List<Attributes> checks =
        checks(
            "GET", "/api/v1/pods",
            headers("impersonate-user", "system:serviceaccount:shop:deployer"));
    assertThat(checks.get(1))
        .isEqualTo(
            Attributes.resource("impersonate", "", "", "serviceaccounts", "", "shop", "deployer"));
  }

  @Test
  void malformedServiceAccountUsernameIsImpersonatedAsAPlainUser() throws Exception {
    for (String user :
        List.of(
            "system:serviceaccount:Shop:deployer",
            "system:serviceaccount:shop:a:b",
            "system:serviceaccount:shop:",
            "system:serviceaccount:shop")) {
      List<Attributes> checks = checks("GET", "/api/v1/pods", headers("Impersonate-User", user));
      assertThat(checks.get(1))
          .isEqualTo(Attributes.resource("impersonate", "", "", "users", "", "", user));
    }
  }

  @Test
  void eachGroupExtraAndUidIsItsOwnImpersonateCheck() throws Exception {
    Map<String, List<String>> h =
        headers(
            "Impersonate-User", "alice",
            "Impersonate-Group", "devs",
            "Impersonate-Group", "system:masters",
            "Impersonate-Extra-Scopes", "view",
            "Impersonate-Extra-Scopes", "edit",
            "Impersonate-Extra-Example.com%2FTeam", "red",
            "Impersonate-Uid", "1234");
    List<Attributes> checks = checks("GET", "/api/v1/pods", h);
    assertThat(checks.subList(1, checks.size()))
        .containsExactly(
            Attributes.resource("impersonate", "", "", "users", "", "", "alice"),
            Attributes.resource("impersonate", "", "", "groups", "", "", "devs"),
            Attributes.resource("impersonate", "", "", "groups", "", "", "system:masters"),
            Attributes.resource(
                "impersonate", "authentication.k8s.io", "v1", "userextras", "example.com/team", "", "red"),
            Attributes.resource(
                "impersonate", "authentication.k8s.io", "v1", "userextras", "scopes", "", "view"),
            Attributes.resource(
                "impersonate", "authentication.k8s.io", "v1", "userextras", "scopes", "", "edit"),
            Attributes.resource("impersonate", "authentication.k8s.io", "v1", "uids", "", "", "1234"));
  }

  @Test
  void extraKeyThatIsNotValidlyEncodedIsKeptLowerCased() throws Exception {
    List<Attributes> checks =
        checks(
            "GET", "/api/v1/pods",
            headers("Impersonate-User", "alice", "Impersonate-Extra-Bad%ZZKey", "v"));
    assertThat(checks.get(2).subresource()).isEqualTo("bad%zzkey");
  }

  @Test
  void groupWithoutUserIsABadRequest() {
    assertBadRequest(headers("Impersonate-Group", "system:masters"));
    assertBadRequest(headers("Impersonate-User", "", "Impersonate-Group", "devs"));
    assertBadRequest(headers("Impersonate-Extra-Scopes", "view"));
    assertBadRequest(headers("Impersonate-Uid", "1234"));
  }

  @Test
  void severalUsersOrUidsAreRefusedRatherThanHalfSeen() {
    assertBadRequest(headers("Impersonate-User", "alice", "Impersonate-User", "admin"));
    assertBadRequest(headers("Impersonate-User", "alice", "Impersonate-Uid", "1", "Impersonate-Uid", "2"));
  }

  @Test
  void emptyUserAloneImpersonatesNoOne() throws Exception {
    assertThat(checks("GET", "/api/v1/pods", headers("Impersonate-User", ""))).hasSize(1);
  }

  private void assertBadRequest(Map<String, List<String>> h) {
    assertThatThrownBy(() -> checks("GET", "/api/v1/pods", h))
        .isInstanceOfSatisfying(
            ClassificationException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
  }

  @Test
  void dryRunIsSurfacedOnlyWhenKubeWouldDryRun() {
    assertThat(classifier.isDryRun("/api/v1/namespaces/a/pods?dryRun=All")).isTrue();
    assertThat(classifier.isDryRun("/api/v1/namespaces/a/pods?dryRu%6E=All&dryRun=All")).isTrue();
    assertThat(classifier.isDryRun("/api/v1/namespaces/a/pods")).isFalse();
    assertThat(classifier.isDryRun("/api/v1/namespaces/a/pods?dryRun=all")).isFalse();
    assertThat(classifier.isDryRun("/api/v1/namespaces/a/pods?dryRun=All&dryRun=x")).isFalse();
    assertThat(classifier.isDryRun("/api/v1/namespaces/a/pods?dryRun=All;x")).isFalse();
    assertThat(classifier.isDryRun("/api/v1/namespaces/a/pods%zz?dryRun=All")).isFalse();
  }
}
