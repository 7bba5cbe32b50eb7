package dev.kubeguard.core.mask;

import java.nio.charset.StandardCharsets;

/**
 * A PodList of about the size asked, generated item by item as it is read: no Secret, so the
 * masker's byte-preserving path. Each pod's container has one sensitive env var,
 * {@code DB_PASSWORD}, whose value {@link #SECRET} is exactly as long as a mask token: the masked
 * body is then exactly as long as the input, which shows nothing else was re-encoded.
 */
public final class PodListStream extends GeneratedBody {

  /** As long as {@code kubeguard-masked:} and 16 hex digits. */
  public static final String SECRET = "db-Pa55w0rd-" + "q".repeat(21);
  public static final String CONTENT_TYPE = "application/json";
  private static final byte[] HEAD =
      "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"4711\"},\"items\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TAIL = "]}\n".getBytes(StandardCharsets.UTF_8);

  public PodListStream(long target) {
    super(HEAD, itemsFor(target), PodListStream::item, TAIL, true);
  }

  public static long itemsFor(long target) {
    return GeneratedBody.itemsFor(target, HEAD.length + TAIL.length, item(0).length);
  }

  static byte[] item(long i) {
    String name = String.format("web-%012d", i);
    return (",{\"metadata\":{\"name\":\"" + name + "\",\"generateName\":\"web-7c9d8f-\",\"namespace\":\"shop\","
            + "\"uid\":\"5b1f3c2a-9e1d-4c7a-8a0e-2f6b9d3e4c11\",\"resourceVersion\":\"4711\","
            + "\"creationTimestamp\":\"2026-11-27T11:30:26Z\",\"labels\":{\"app\":\"web\",\"pod-template-hash\":\"7c9d8f\"},"
            + "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"web-7c9d8f\","
            + "\"uid\":\"0c2d9e4f-1a3b-4c5d-8e7f-9a0b1c2d3e4f\",\"controller\":true,\"blockOwnerDeletion\":true}]},"
            + "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"registry.example/shop/web:1.4.2\","
            + "\"ports\":[{\"containerPort\":8080,\"protocol\":\"TCP\"}],"
            + "\"env\":[{\"name\":\"LOG_LEVEL\",\"value\":\"info\"},{\"name\":\"DB_HOST\",\"value\":\"db.shop.svc\"},"
            + "{\"name\":\"DB_PASSWORD\",\"value\":\"" + SECRET + "\"}],"
            + "\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"},\"requests\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"}},"
            + "\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\","
            + "\"imagePullPolicy\":\"IfNotPresent\"}],\"restartPolicy\":\"Always\",\"terminationGracePeriodSeconds\":30,"
            + "\"dnsPolicy\":\"ClusterFirst\",\"serviceAccountName\":\"default\",\"nodeName\":\"node-1\"},"
            + "\"status\":{\"phase\":\"Running\",\"podIP\":\"10.244.0." + (i % 250) + "\","
            + "\"startTime\":\"2026-11-27T11:30:26Z\",\"qosClass\":\"Burstable\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
