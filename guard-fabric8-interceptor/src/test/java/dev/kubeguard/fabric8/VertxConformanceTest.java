package dev.kubeguard.fabric8;

/** The adapter conformance suite on fabric8's Vertx backend. */
class VertxConformanceTest extends Fabric8Conformance {
  @Override
  Backend backend() {
    return Backend.VERTX;
  }
}
