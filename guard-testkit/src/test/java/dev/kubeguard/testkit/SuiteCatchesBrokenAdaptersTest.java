package dev.kubeguard.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The wire-level cases fail for the adapter bugs they are about: each runs against the reference
 * adapter with one rule broken. Without this a case could pass for every adapter by asserting too
 * little.
 */
class SuiteCatchesBrokenAdaptersTest {

  @Test
  void judgedEqualsSentFailsWhenTheClientNormalizesTheUrlAfterTheGuardJudged() throws Exception {
    // java.net.URI#normalize resolves dot segments (which the Guard refuses) and collapses
    // doubled slashes (which it rightly forwards): the second is a rewrite the property must see.
    AdapterConformanceSuite suite = over(new JdkReferenceAdapter(JdkReferenceAdapter.jdkClient(HttpClient.Redirect.NEVER), URI::normalize));

    assertFails(suite, () -> suite.judgedRequestIsTheReceivedRequestOrNothingIsSent());
  }

  @Test
  void judgedEqualsSentFailsWhenTheClientDecodesEncodedSlashes() throws Exception {
    UnaryOperator<URI> decodesSlashes = u -> URI.create(u.toString().replace("%2F", "/").replace("%2f", "/"));
    AdapterConformanceSuite suite = over(new JdkReferenceAdapter(JdkReferenceAdapter.jdkClient(HttpClient.Redirect.NEVER), decodesSlashes));

    assertFails(suite, () -> suite.judgedRequestIsTheReceivedRequestOrNothingIsSent());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {301, 302, 303, 307, 308})
  void redirectCaseFailsWhenTheClientFollowsRedirects(int code) throws Exception {
    AdapterConformanceSuite suite = over(new JdkReferenceAdapter(JdkReferenceAdapter.jdkClient(HttpClient.Redirect.ALWAYS), UnaryOperator.identity()));

    assertFails(suite, () -> suite.redirectReachesTheCallerAndIsNeverFollowed(code));
  }

  private static AdapterConformanceSuite over(JdkReferenceAdapter adapter) {
    return new AdapterConformanceSuite() {
      @Override
      protected Exchange call(Guard guard, Identity identity, URI server, String method, String pathAndQuery,
          Map<String, String> headers, byte[] body) throws Exception {
        return adapter.call(guard, identity, server, method, pathAndQuery, headers, body);
      }
    };
  }

  /** Runs one case with the suite's own server lifecycle and expects it to fail an assertion. */
  private static void assertFails(AdapterConformanceSuite suite, Case testCase) throws Exception {
    suite.startServer();
    try {
      assertThatThrownBy(testCase::run).isInstanceOf(AssertionError.class);
    } finally {
      suite.stopServer();
    }
  }

  @FunctionalInterface
  private interface Case {
    void run() throws Exception;
  }
}
