package dev.kubeguard.testkit;

import dev.kubeguard.api.Identity;
import dev.kubeguard.core.Guard;
import java.net.URI;
import java.util.Map;

/**
 * The whole conformance suite against {@link JdkReferenceAdapter}: proves the kit's cases pass for
 * an adapter that follows the exchange contract, so a failure in a real adapter is the adapter's.
 */
class JdkReferenceConformanceTest extends AdapterConformanceSuite {

  @Override
  protected Exchange call(Guard guard, Identity identity, URI server, String method, String pathAndQuery,
      Map<String, String> headers, byte[] body) throws Exception {
    return JdkReferenceAdapter.CORRECT.call(guard, identity, server, method, pathAndQuery, headers, body);
  }
}
