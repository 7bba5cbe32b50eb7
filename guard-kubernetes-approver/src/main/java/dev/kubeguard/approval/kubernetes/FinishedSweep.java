package dev.kubeguard.approval.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes ApprovalRequest objects that finished long ago, so the namespace does not grow by one
 * object per held request forever. An object goes once it has been dead (used, denied and expired,
 * expired, or its reuse window over: {@link ApprovalObject#dead}) for the retention, a used one
 * counted from its expiry. The audit trail, not the object, is the record of who answered; a
 * retry of a request whose approval was deleted simply asks again.
 *
 * <p>Every replica sweeps what its informer holds; deletes carry the resourceVersion read, so an
 * object changed since is left for the next sweep, and two replicas deleting the same object are
 * harmless (the second is told it is gone). Not thread-safe: one sweeping thread.
 * <b>Failure:</b> never throws; a refused delete (the replica's Role lacks {@code delete}) is
 * logged once and the objects stay.
 */
final class FinishedSweep {

  private static final Logger LOG = LoggerFactory.getLogger(FinishedSweep.class);

  private final Supplier<List<GenericKubernetesResource>> cached;
  private final NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> objects;
  private final AnswerSeal seal;
  private final Clock clock;
  private final Duration retention;
  private boolean toldForbidden;

  FinishedSweep(Supplier<List<GenericKubernetesResource>> cached,
      NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> objects,
      AnswerSeal seal, Clock clock, Duration retention) {
    this.cached = cached;
    this.objects = objects;
    this.seal = seal;
    this.clock = clock;
    this.retention = retention;
  }

  /** How often to sweep: a quarter of the retention, between 10 seconds and 10 minutes. */
  static Duration period(Duration retention) {
    Duration quarter = retention.dividedBy(4);
    Duration min = Duration.ofSeconds(10);
    Duration max = Duration.ofMinutes(10);
    return quarter.compareTo(min) < 0 ? min : quarter.compareTo(max) > 0 ? max : quarter;
  }

  /** Deletes what finished more than the retention ago; returns how many objects it deleted. */
  int sweep() {
    Instant then = clock.instant().minus(retention);
    int deleted = 0;
    try {
      for (GenericKubernetesResource o : cached.get()) {
        if (finishedBy(o, then) && delete(o)) {
          deleted++;
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("kubeguard: sweeping finished ApprovalRequests failed ({}); they stay until the next sweep", e.getClass().getSimpleName());
    }
    return deleted;
  }

  private boolean finishedBy(GenericKubernetesResource o, Instant then) {
    if (ApprovalObject.used(o)) {
      return !then.isBefore(ApprovalObject.expiresAt(o));
    }
    return ApprovalObject.dead(o, seal, then);
  }

  private boolean delete(GenericKubernetesResource o) {
    String name = o.getMetadata().getName();
    try {
      // an empty answer: already gone (another replica was first)
      return !objects.withName(name).lockResourceVersion(o.getMetadata().getResourceVersion()).delete().isEmpty();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403 && !toldForbidden) {
        toldForbidden = true;
        LOG.warn("kubeguard: may not delete finished ApprovalRequests in namespace {} (grant verb delete, as rbac-replica.yaml"
            + " does); they are kept", o.getMetadata().getNamespace());
      }
      return false; // 409: changed since read, the next sweep decides
    }
  }
}
