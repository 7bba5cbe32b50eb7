package dev.kubeguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class KubeStatusTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void statusBodyIsAKubernetesInternalErrorStatus() throws Exception {
    JsonNode s = JSON.readTree(KubeStatus.internalError("cannot mask \"x\""));
    assertThat(s.get("kind").asText()).isEqualTo("Status");
    assertThat(s.get("apiVersion").asText()).isEqualTo("v1");
    assertThat(s.get("metadata").isEmpty()).isTrue();
    assertThat(s.get("status").asText()).isEqualTo("Failure");
    assertThat(s.get("message").asText()).isEqualTo("cannot mask \"x\"");
    assertThat(s.get("reason").asText()).isEqualTo("InternalError");
    assertThat(s.get("code").asInt()).isEqualTo(500);
  }
}
