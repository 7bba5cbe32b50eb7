package dev.kubeguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kubeguard.api.KubeRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the {@code {"method","url","headers"?,"body"?}} part of an input line. */
final class Requests {

  static KubeRequest from(JsonNode in) throws JsonLines.BadLine {
    String method = JsonLines.text(in, "method");
    if (method.isBlank()) {
      throw new JsonLines.BadLine("\"method\" must not be empty");
    }
    String url = JsonLines.text(in, "url");
    return KubeRequest.of(method, url, headers(in.get("headers")), body(in.get("body")));
  }

  private static Map<String, List<String>> headers(JsonNode h) throws JsonLines.BadLine {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (h == null || h.isNull()) {
      return out;
    }
    if (!h.isObject()) {
      throw new JsonLines.BadLine("\"headers\" must be an object of strings or string arrays");
    }
    for (var it = h.fields(); it.hasNext(); ) {
      var e = it.next();
      List<String> values = new ArrayList<>();
      if (e.getValue().isTextual()) {
        values.add(e.getValue().asText());
      } else if (e.getValue().isArray()) {
        for (JsonNode v : e.getValue()) {
          if (!v.isTextual()) {
            throw new JsonLines.BadLine("header \"" + e.getKey() + "\" values must be strings");
          }
          values.add(v.asText());
        }
      } else {
        throw new JsonLines.BadLine("header \"" + e.getKey() + "\" must be a string or an array of strings");
      }
      out.put(e.getKey(), values);
    }
    return out;
  }

  // A body given as a string is sent as is; an object or array is the JSON it spells.
  private static byte[] body(JsonNode b) throws JsonLines.BadLine {
    if (b == null || b.isNull()) {
      return null;
    }
    if (b.isTextual()) {
      return b.asText().getBytes(StandardCharsets.UTF_8);
    }
    if (b.isContainerNode()) {
      return b.toString().getBytes(StandardCharsets.UTF_8);
    }
    throw new JsonLines.BadLine("\"body\" must be a string, an object or an array");
  }

  private Requests() {}
}
