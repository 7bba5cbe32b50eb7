package dev.kubeguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AcceptHeadersTest {

  @Test
  void keepsKubectlTableRequestsBecauseTablesAreJson() {
    String kubectl = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    assertThat(AcceptHeaders.forMasking(kubectl)).isEqualTo(kubectl);
  }

  @Test
  void dropsProtobufCborAndWildcardsSoTheServerAnswersJson() {
    assertThat(AcceptHeaders.forMasking("application/vnd.kubernetes.protobuf,application/json")).isEqualTo("application/json");
    assertThat(AcceptHeaders.forMasking("application/vnd.kubernetes.protobuf")).isEqualTo("application/json");
    assertThat(AcceptHeaders.forMasking("application/cbor")).isEqualTo("application/json");
    assertThat(AcceptHeaders.forMasking("*/*")).isEqualTo("application/json");
    assertThat(AcceptHeaders.forMasking(null)).isEqualTo("application/json");
    assertThat(AcceptHeaders.forMasking("Application/JSON; charset=utf-8")).isEqualTo("Application/JSON; charset=utf-8");
  }
}
