package dev.kubeguard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Streams JSON Lines: one object in, one object out, line by line, so inputs of any size run in
 * constant memory. A line that cannot be handled yields {@code {"error":..., "line": n}} in its
 * place and the stream goes on; the result says whether any line failed.
 */
final class JsonLines {

  static final ObjectMapper JSON = new ObjectMapper();

  /** Handles one parsed input object; throws {@link BadLine} for input it cannot accept. */
  @FunctionalInterface
  interface Handler {
    JsonNode handle(JsonNode in) throws Exception;
  }

  /** Input that is well-formed JSON but not what the command expects. */
  static final class BadLine extends Exception {
    private static final long serialVersionUID = 1L;

    BadLine(String message) {
      super(message);
    }
  }

  /** Returns {@link Command#OK} when every line was handled, {@link Command#ERROR} otherwise. Blank lines are skipped. */
  static int process(InputStream in, PrintStream out, Handler handler) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    boolean failed = false;
    long lineNo = 0;
    for (String line; (line = reader.readLine()) != null; ) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode result;
      try {
        JsonNode input = JSON.readTree(line);
        if (input == null || !input.isObject()) {
          throw new BadLine("expected a JSON object");
        }
        result = handler.handle(input);
      } catch (JsonProcessingException e) {
        failed = true;
        result = error(lineNo, "malformed JSON: " + e.getOriginalMessage());
      } catch (BadLine e) {
        failed = true;
        result = error(lineNo, e.getMessage());
      } catch (Exception e) {
        failed = true;
        result = error(lineNo, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      out.println(JSON.writeValueAsString(result));
    }
    out.flush();
    return failed ? Command.ERROR : Command.OK;
  }

  static ObjectNode error(long line, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("error", message);
    n.put("line", line);
    return n;
  }

  /** A required string field, or {@link BadLine} naming it. */
  static String text(JsonNode in, String field) throws BadLine {
    JsonNode v = in.get(field);
    if (v == null || !v.isTextual()) {
      throw new BadLine("\"" + field + "\" must be a string");
    }
    return v.asText();
  }

  /** An optional string field, {@code ""} when absent. */
  static String optionalText(JsonNode in, String field) throws BadLine {
    JsonNode v = in.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      throw new BadLine("\"" + field + "\" must be a string");
    }
    return v.asText();
  }

  private JsonLines() {}
}
