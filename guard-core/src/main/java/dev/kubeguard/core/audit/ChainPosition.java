package dev.kubeguard.core.audit;

import java.util.Objects;

/**
 * Where one event sits in a replica's hash chain: the replica that wrote it, the chain's active
 * file name, and its {@code kubeguard.dev/seq}. Sinks that forward events elsewhere carry it, so
 * every copy can be traced back to the line of the chain that vouches for it. Immutable.
 *
 * @param replicaId the writing replica ({@code JsonlAuditRecorder.Builder#replicaId}); {@code ""}
 *     when the recorder has none
 * @param chain the chain's active file name ({@code audit.jsonl})
 * @param seq the line's sequence number, 1 for the first event of the chain
 */
public record ChainPosition(String replicaId, String chain, long seq) {
  public ChainPosition {
    Objects.requireNonNull(replicaId, "replicaId");
    Objects.requireNonNull(chain, "chain");
    if (seq < 1) {
      throw new IllegalArgumentException("a chain position starts at seq 1, got " + seq);
    }
  }
}
