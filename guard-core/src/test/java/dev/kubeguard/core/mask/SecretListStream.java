package dev.kubeguard.core.mask;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A SecretList of about the size asked, as kube-apiserver writes it (compact, each item with its
 * {@code last-applied-configuration} annotation and managed fields), generated item by item as it
 * is read. Every item holds {@link #SECRET} in {@code data.password} (base64) and in the
 * annotation's {@code stringData}: the default profile masks three values per item.
 */
public final class SecretListStream extends GeneratedBody {

  public static final String SECRET = "S3cr3t-Pa55w0rd!";
  public static final String SECRET_B64 = Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8));
  public static final String CONTENT_TYPE = "application/json";
  /** Values the default profile masks in each item. */
  public static final int MASKED_PER_ITEM = 3;
  private static final byte[] HEAD =
      "{\"kind\":\"SecretList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TAIL = "]}\n".getBytes(StandardCharsets.UTF_8);

  public SecretListStream(long target) {
    super(HEAD, itemsFor(target), SecretListStream::item, TAIL, true);
  }

  public static long itemsFor(long target) {
    return GeneratedBody.itemsFor(target, HEAD.length + TAIL.length, item(0).length);
  }

  static byte[] item(long i) {
    String name = String.format("secret-%012d", i);
    String lastApplied =
        ("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"annotations\":{},\"name\":\"" + name
            + "\",\"namespace\":\"shop\"},\"stringData\":{\"password\":\"" + SECRET + "\"},\"type\":\"Opaque\"}\n")
            .replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    return (",{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"shop\",\"uid\":\"783c8087-011f-459d-ac9f-f3bd58c9cba9\","
            + "\"resourceVersion\":\"209\",\"creationTimestamp\":\"2026-11-27T11:30:26Z\",\"labels\":{\"app\":\"shop\"},"
            + "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"" + lastApplied + "\"},"
            + "\"managedFields\":[{\"manager\":\"kubectl-client-side-apply\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
            + "\"time\":\"2026-11-27T11:30:26Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{\".\":{},\"f:password\":{},"
            + "\"f:username\":{}},\"f:type\":{}}}]},\"data\":{\"password\":\"" + SECRET_B64 + "\",\"username\":\"c2hvcF9hcHA=\"},"
            + "\"type\":\"Opaque\"}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
