package dev.kubeguard.fabric8;

/** The adapter conformance suite on fabric8's OkHttp backend. */
class OkHttpConformanceTest extends Fabric8Conformance {
  @Override
  Backend backend() {
    return Backend.OKHTTP;
  }
}
