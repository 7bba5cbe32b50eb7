package dev.kubeguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ClassifyCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void printsKubeApiserverRequestInfoPerLineAsTheServerReadsTheUrl() throws Exception {
    CliRun run = CliRun.of(new ClassifyCommand(), """
        {"method":"GET","url":"/api/v1/namespaces/shop/pods/web%2Fexec"}
        {"method":"GET","url":"/apis/apps/v1/namespaces/shop/deployments?watch=1&labelSelector=app%3Dweb"}
        """);
    assertThat(run.exit()).isZero();
    JsonNode exec = JSON.readTree(run.lines().get(0));
    assertThat(exec.get("verb").asText()).isEqualTo("get");
    assertThat(exec.get("name").asText()).isEqualTo("web");
    assertThat(exec.get("subresource").asText()).isEqualTo("exec");
    assertThat(exec.get("parts")).hasSize(3);
    JsonNode watch = JSON.readTree(run.lines().get(1));
    assertThat(watch.get("verb").asText()).isEqualTo("watch");
    assertThat(watch.get("apiGroup").asText()).isEqualTo("apps");
    assertThat(watch.get("labelSelector").asText()).isEqualTo("app=web");
    assertThat(watch.fieldNames()).toIterable().containsExactly("isResourceRequest", "path", "verb", "apiPrefix",
        "apiGroup", "apiVersion", "namespace", "resource", "subresource", "name", "parts", "fieldSelector", "labelSelector");
  }

  @Test
  void answersAnErrorForWhatTheApiServerRejectsAndGoesOnAfterMalformedLines() throws Exception {
    CliRun run = CliRun.of(new ClassifyCommand(), """
        {"method":"GET","url":"/api/v1/pods/%zz"}
        {"method":"GET"
        {"url":"/api"}
        {"method":"GET","url":"/healthz"}
        """);
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.lines()).hasSize(4);
    assertThat(JSON.readTree(run.lines().get(0)).get("code").asInt()).isEqualTo(400);
    assertThat(JSON.readTree(run.lines().get(1)).get("line").asInt()).isEqualTo(2);
    assertThat(JSON.readTree(run.lines().get(2)).get("error").asText()).contains("\"method\" must be a string");
    assertThat(JSON.readTree(run.lines().get(3)).get("isResourceRequest").asBoolean()).isFalse();
  }
}
