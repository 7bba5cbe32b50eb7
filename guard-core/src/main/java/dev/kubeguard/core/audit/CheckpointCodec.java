package dev.kubeguard.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.text.ParseException;
import java.time.Instant;

/**
 * Signed checkpoints of a chain's head: a compact JWS (type {@code kubeguard-audit-checkpoint+jwt})
 * over {@code {"file": chain name, "replica": replica id, "seq": n, "headHash": hex, "time": RFC 3339}}
 * ({@code replica} is {@code ""} when the recorder has none), kept in a
 * sidecar file next to the active file ({@code audit.jsonl.checkpoint}) and replaced atomically.
 * Stateless; the writer thread is its only caller on the signing side.
 */
final class CheckpointCodec {

  public static final JOSEObjectType TYPE = new JOSEObjectType("kubeguard-audit-checkpoint+jwt");

  /** What a checkpoint vouches for. */
  public record Checkpoint(String file, String replica, long seq, String headHash, Instant time) {}

  private CheckpointCodec() {}

  /** Where the checkpoint of the chain whose active file is {@code active} lives. */
  public static Path sidecar(Path active) {
    return active.resolveSibling(active.getFileName() + ".checkpoint");
  }

  public static String sign(JWSSigner signer, JWSAlgorithm alg, String keyId, Checkpoint cp)
      throws JOSEException {
    ObjectNode payload = EventJsonWriter.Jackson.MAPPER.createObjectNode();
    payload.put("file", cp.file());
    payload.put("replica", cp.replica());
    payload.put("seq", cp.seq());
    payload.put("headHash", cp.headHash());
    payload.put("time", cp.time().toString());
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(alg).type(TYPE).keyID(keyId).build(), new Payload(payload.toString()));
    jws.sign(signer);
    return jws.serialize();
  }

  /** Writes the checkpoint durably, replacing the previous one in one atomic step. */
  public static void write(Path sidecar, String compact) throws IOException {
    Path tmp = sidecar.resolveSibling(sidecar.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap((compact + "\n").getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    }
    Files.move(tmp, sidecar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Checks the signature and reads the claims.
   *
   * @throws IllegalArgumentException when the text is not a checkpoint or the signature fails
   */
  public static Checkpoint verify(String compact, JWSVerifier verifier) {
    try {
      JWSObject jws = JWSObject.parse(compact.trim());
      if (!TYPE.equals(jws.getHeader().getType())) {
        throw new IllegalArgumentException("not a KubeGuard audit checkpoint (typ)");
      }
      if (!jws.verify(verifier)) {
        throw new IllegalArgumentException("checkpoint signature does not verify");
      }
      JsonNode p = EventJsonReader.STRICT.readTree(jws.getPayload().toString());
      if (!p.path("seq").canConvertToLong() || !p.path("headHash").isTextual()) {
        throw new IllegalArgumentException("checkpoint payload lacks seq/headHash");
      }
      return new Checkpoint(
          p.path("file").asText(""), p.path("replica").asText(""), p.path("seq").asLong(), p.path("headHash").asText(),
          Instant.parse(p.path("time").asText()));
    } catch (ParseException | JOSEException | IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalArgumentException("unreadable checkpoint: " + e.getMessage(), e);
    }
  }
}
