package dev.kubeguard.fabric8;

/** The adapter conformance suite on fabric8's Jetty backend (7.5.2, the newest in our registry). */
class JettyConformanceTest extends Fabric8Conformance {
  @Override
  Backend backend() {
    return Backend.JETTY;
  }
}
