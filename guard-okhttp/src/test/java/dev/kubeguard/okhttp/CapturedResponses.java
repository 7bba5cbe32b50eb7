package dev.kubeguard.okhttp;

import dev.kubeguard.testkit.Fixtures;
import mockwebserver3.MockResponse;

/** The real kube-apiserver captures of the test kit, as mockwebserver3 answers. */
final class CapturedResponses {

  static MockResponse json(String name) {
    return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(Fixtures.string(name)).build();
  }

  private CapturedResponses() {}
}
