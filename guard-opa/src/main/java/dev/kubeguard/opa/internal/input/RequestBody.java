package dev.kubeguard.opa.internal.input;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Puts a request body into the policy input, never failing the decision by itself:
 *
 * <ul>
 *   <li>{@code body}: the parsed JSON value when the whole body is one JSON value (whatever the
 *       Content-Type: client-go sends apply patches as JSON under {@code application/apply-patch+yaml}),
 *       else {@code null};
 *   <li>{@code bodyBytes}: the body's length;
 *   <li>{@code bodyTruncated}: {@code true} when the body is larger than the configured bound; it is
 *       then left out entirely (fail closed: a policy that needs the body can deny on this flag);
 *   <li>{@code bodyParseError}: present when a non-empty body within the bound is not JSON, or is
 *       JSON with a duplicate object key (the server and the policy could read such a body
 *       differently);
 *   <li>{@code bodyText}: the body as text when it is not JSON but is valid UTF-8 (YAML: a policy
 *       reads it with {@code yaml.unmarshal(input.request.bodyText)}).
 * </ul>
 *
 * Thread-safe: the shared {@link ObjectMapper} is only used for reading.
 */
final class RequestBody {

  private static final ObjectMapper STRICT =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private RequestBody() {}

  static void put(ObjectNode request, byte[] body, int maxBodyBytes) {
    request.put("bodyBytes", body.length);
    boolean truncated = body.length > maxBodyBytes;
    request.put("bodyTruncated", truncated);
    if (body.length == 0 || truncated) {
      request.putNull("body");
      return;
    }
    try {
      JsonNode parsed = STRICT.readTree(body);
      if (parsed != null && !parsed.isMissingNode()) {
        request.set("body", parsed);
        return;
      }
      request.putNull("body");
      request.put("bodyParseError", "body is not JSON");
    } catch (JsonProcessingException e) {
      request.putNull("body");
      // Jackson's message quotes the body; the reason names the kind of problem only.
      request.put("bodyParseError", isDuplicate(e) ? "body has a duplicate object key" : "body is not JSON");
    } catch (IOException e) {
      request.putNull("body");
      request.put("bodyParseError", "body could not be read");
    }
    String text = utf8(body);
    if (text != null) {
      request.put("bodyText", text);
    }
  }

  private static boolean isDuplicate(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    return m != null && m.startsWith("Duplicate field");
  }

  private static String utf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
