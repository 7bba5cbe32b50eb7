package dev.kubeguard.fabric8;

/** The adapter conformance suite on fabric8's Jdk backend. */
class JdkConformanceTest extends Fabric8Conformance {
  @Override
  Backend backend() {
    return Backend.JDK;
  }
}
