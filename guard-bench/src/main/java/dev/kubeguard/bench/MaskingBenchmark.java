package dev.kubeguard.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingStream;
import dev.kubeguard.core.mask.DefaultMasker;
import dev.kubeguard.core.mask.MaskingProfile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Masking throughput on a large SecretList (every item with a last-applied annotation holding
 * the plaintext) and a large PodList (env vars, some sensitive), against two baselines in the
 * same run: a plain Jackson streaming copy of the same bytes (what any rewrite costs at least)
 * and a naive masker that reads the whole tree, mutates it and writes it back.
 *
 * <p>Every benchmark processes the whole body once per op and reports microseconds per op, so
 * the ratio of two benchmarks' times at one size is their throughput ratio; MB/s = body size
 * printed at setup / time. Run, e.g.:
 * {@code java -jar guard-bench/target/benchmarks.jar 'MaskingBenchmark.(defaultMasker|plainJacksonCopy)$'
 * -p kilobytes=4,1024 -f 1 -wi 3 -w 2s -i 4 -r 2s -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class MaskingBenchmark {

  private static final int CHUNK = 64 * 1024;
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  @Param({"SecretList", "PodList"})
  public String body;

  /**
   * Body size in KiB: 1 (a one-item list, for the fixed cost of a response), 4, 64, 1024 and
   * 32768 (32 MiB). The goals hold at every size from 4 KiB up.
   */
  @Param({"1", "4", "64", "1024", "32768"})
  public int kilobytes;

  /**
   * {@code default} is the full default profile (the target); {@code structural} is the same
   * without value detectors, to show what scanning every string costs.
   */
  @Param({"default"})
  public String profile;

  private byte[] bytes;
  private DefaultMasker masker;
  private MaskingContext context;
  private final JsonFactory factory = new JsonFactory();
  private final ObjectMapper mapper = new ObjectMapper();

  @Setup(Level.Trial)
  public void setUp() {
    long target = kilobytes * 1024L;
    bytes = body.equals("SecretList") ? BenchBodies.secretList(target) : BenchBodies.podList(target);
    masker =
        DefaultMasker.builder()
            .randomKey()
            .profile(
                MaskingProfile.builder("structural")
                    .basedOn(MaskingProfile.DEFAULT)
                    .withoutRule(MaskingProfile.Rule.VALUE_DETECTORS)
                    .build())
            .build();
    context =
        new MaskingContext(
            profile,
            "application/json",
            AccessRequest.forAttributes(
                Identity.of("bench"),
                Attributes.resource("list", "", "v1", body.equals("SecretList") ? "secrets" : "pods", "", "shop", ""),
                CallContext.now()));
    System.out.printf("%n%s body: %d bytes%n", body, bytes.length);
  }

  /** Baseline: Jackson's blocking streaming parser copied token by token into a generator. */
  @Benchmark
  public long plainJacksonCopy() throws IOException {
    Discard out = new Discard();
    try (JsonParser p = factory.createParser(bytes);
        JsonGenerator g = factory.createGenerator(out)) {
      while (p.nextToken() != null) {
        g.copyCurrentEvent(p);
      }
    }
    return out.count;
  }

  /** The default masker through the Masker SPI, fed in 64 KiB chunks as an adapter would. */
  @Benchmark
  public long defaultMasker() throws IOException {
    Discard out = new Discard();
    MaskingStream s = masker.open(context, c -> out.accept(c));
    for (int off = 0; off < bytes.length; off += CHUNK) {
      s.write(ByteBuffer.wrap(bytes, off, Math.min(CHUNK, bytes.length - off)));
    }
    s.finish();
    return out.count + s.maskedCount();
  }

  /** A copy through Jackson's non-blocking parser, which the masker rode on until it got its own scanner. */
  @Benchmark
  public long plainNonBlockingCopy() throws IOException {
    Discard out = new Discard();
    try (JsonParser p = factory.createNonBlockingByteArrayParser();
        JsonGenerator g = factory.createGenerator(out)) {
      ByteArrayFeeder feeder = (ByteArrayFeeder) p.getNonBlockingInputFeeder();
      for (int off = 0; off <= bytes.length; off += CHUNK) {
        if (off == bytes.length) {
          feeder.endOfInput();
        } else {
          feeder.feedInput(bytes, off, Math.min(off + CHUNK, bytes.length));
        }
        JsonToken t;
        while ((t = p.nextToken()) != null && t != JsonToken.NOT_AVAILABLE) {
          g.copyCurrentEvent(p);
        }
      }
    }
    return out.count;
  }

  /** Naive masker: read the whole tree, mask Secret data, last-applied and env in place, write. */
  @Benchmark
  public long naiveTreeMasker() throws IOException {
    JsonNode root = mapper.readTree(bytes);
    int[] masked = new int[1];
    for (JsonNode item : root.path("items")) {
      naiveMask((ObjectNode) item, "SecretList".equals(root.path("kind").asText()), masked);
    }
    Discard out = new Discard();
    mapper.writeValue(out, root);
    return out.count + masked[0];
  }

  private void naiveMask(ObjectNode o, boolean secret, int[] masked) throws IOException {
    if (secret && o.get("data") instanceof ObjectNode data) {
      for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        e.setValue(new TextNode(Base64.getEncoder().encodeToString(("masked:" + e.getValue().asText().hashCode()).getBytes(StandardCharsets.UTF_8))));
        masked[0]++;
      }
    }
    JsonNode annotations = o.path("metadata").path("annotations");
    if (annotations instanceof ObjectNode a && a.get(LAST_APPLIED) != null) {
      JsonNode applied = mapper.readTree(a.get(LAST_APPLIED).asText());
      if (applied instanceof ObjectNode ao) {
        naiveMask(ao, "Secret".equals(ao.path("kind").asText()), masked);
        if (ao.get("stringData") instanceof ObjectNode sd) {
          sd.fieldNames().forEachRemaining(k -> sd.put(k, "masked"));
        }
      }
      a.put(LAST_APPLIED, mapper.writeValueAsString(applied));
    }
    for (JsonNode env : o.findValues("env")) {
      for (JsonNode v : env) {
        String name = v.path("name").asText();
        if (v.has("value") && (name.contains("PASSWORD") || name.contains("TOKEN") || name.contains("SECRET") || name.contains("KEY"))) {
          ((ObjectNode) v).put("value", "masked:" + v.get("value").asText().hashCode());
          masked[0]++;
        }
      }
    }
  }

  /** Counts and drops output, so no benchmark pays for keeping it. */
  static final class Discard extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }

    void accept(ByteBuffer c) {
      count += c.remaining();
      c.position(c.limit());
    }
  }

  /** Realistic large Kubernetes list bodies for benchmarks, shaped like kube-apiserver output. */
  static final class BenchBodies {

    private BenchBodies() {}

    static byte[] secretList(long target) {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) target + 4096);
      write(out, "{\"kind\":\"SecretList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"91234\"},\"items\":[");
      for (int i = 0; out.size() < target; i++) {
        String name = "app-secret-" + i;
        String password = "Pa55-" + Integer.toHexString(i * 7919) + "-s3cr3t";
        String lastApplied =
            ("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"annotations\":{},\"labels\":{\"app\":\"shop\"},\"name\":\""
                    + name + "\",\"namespace\":\"shop\"},\"stringData\":{\"password\":\"" + password
                    + "\",\"username\":\"shop_app\"},\"type\":\"Opaque\"}\n")
                .replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        write(out, (i == 0 ? "" : ",")
            + "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"shop\",\"uid\":\"783c8087-011f-459d-ac9f-" + String.format("%012x", i)
            + "\",\"resourceVersion\":\"" + (1000 + i) + "\",\"creationTimestamp\":\"2026-11-27T11:30:26Z\",\"labels\":{\"app\":\"shop\"},"
            + "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"" + lastApplied + "\"},"
            + "\"managedFields\":[{\"manager\":\"kubectl-client-side-apply\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
            + "\"time\":\"2026-11-27T11:30:26Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{\".\":{},\"f:password\":{},"
            + "\"f:username\":{}},\"f:metadata\":{\"f:annotations\":{\".\":{},\"f:kubectl.kubernetes.io/last-applied-configuration\":{}},"
            + "\"f:labels\":{\".\":{},\"f:app\":{}}},\"f:type\":{}}}]},"
            + "\"data\":{\"password\":\"" + b64(password) + "\",\"username\":\"" + b64("shop_app") + "\"},\"type\":\"Opaque\"}");
      }
      write(out, "]}\n");
      return out.toByteArray();
    }

    static byte[] podList(long target) {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) target + 8192);
      write(out, "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"91234\"},\"items\":[");
      for (int i = 0; out.size() < target; i++) {
        String name = "web-7d4b9c8f6-" + Integer.toString(i * 31 + 100000, 36);
        StringBuilder env = new StringBuilder();
        String[][] vars = {
          {"LOG_LEVEL", "info"}, {"DB_HOST", "postgres.shop.svc.cluster.local"}, {"DB_PASSWORD", "hunter2-" + i},
          {"API_TOKEN", "tok-" + Integer.toHexString(i)}, {"REGION", "eu-west-1"}, {"FEATURE_FLAGS", "a,b,c"},
          {"JAVA_OPTS", "-Xmx512m -XX:+UseG1GC"}, {"PORT", "8080"}
        };
        for (int v = 0; v < vars.length; v++) {
          env.append(v == 0 ? "" : ",").append("{\"name\":\"").append(vars[v][0]).append("\",\"value\":\"").append(vars[v][1]).append("\"}");
        }
        env.append(",{\"name\":\"GITHUB_TOKEN\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"api-keys\",\"key\":\"github-token\"}}}");
        String container =
            "{\"name\":\"web\",\"image\":\"registry.example.com/shop/web:1.27." + (i % 10) + "\",\"ports\":[{\"containerPort\":8080,\"protocol\":\"TCP\"}],"
                + "\"env\":[" + env + "],\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"512Mi\"},\"requests\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"}},"
                + "\"volumeMounts\":[{\"name\":\"kube-api-access-x7k2p\",\"readOnly\":true,\"mountPath\":\"/var/run/secrets/kubernetes.io/serviceaccount\"}],"
                + "\"livenessProbe\":{\"httpGet\":{\"path\":\"/healthz\",\"port\":8080,\"scheme\":\"HTTP\"},\"initialDelaySeconds\":10,\"timeoutSeconds\":1,\"periodSeconds\":10,\"successThreshold\":1,\"failureThreshold\":3},"
                + "\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":\"IfNotPresent\"}";
        write(out, (i == 0 ? "" : ",")
            + "{\"metadata\":{\"name\":\"" + name + "\",\"generateName\":\"web-7d4b9c8f6-\",\"namespace\":\"shop\",\"uid\":\"c8436901-ccd9-4862-b307-"
            + String.format("%012x", i) + "\",\"resourceVersion\":\"" + (5000 + i) + "\",\"creationTimestamp\":\"2026-11-27T11:30:27Z\","
            + "\"labels\":{\"app\":\"web\",\"pod-template-hash\":\"7d4b9c8f6\"},"
            + "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"web-7d4b9c8f6\",\"uid\":\"0a1b2c3d-4e5f-6789-abcd-ef0123456789\",\"controller\":true,\"blockOwnerDeletion\":true}],"
            + "\"managedFields\":[{\"manager\":\"kube-controller-manager\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"2026-11-27T11:30:27Z\",\"fieldsType\":\"FieldsV1\","
            + "\"fieldsV1\":{\"f:metadata\":{\"f:generateName\":{},\"f:labels\":{\".\":{},\"f:app\":{},\"f:pod-template-hash\":{}},\"f:ownerReferences\":{\".\":{},\"k:{\\\"uid\\\":\\\"0a1b2c3d\\\"}\":{}}},"
            + "\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"web\\\"}\":{\".\":{},\"f:env\":{\".\":{},\"k:{\\\"name\\\":\\\"DB_PASSWORD\\\"}\":{\".\":{},\"f:name\":{},\"f:value\":{}}},\"f:image\":{},\"f:name\":{}}}}}}]},"
            + "\"spec\":{\"volumes\":[{\"name\":\"kube-api-access-x7k2p\",\"projected\":{\"sources\":[{\"serviceAccountToken\":{\"expirationSeconds\":3607,\"path\":\"token\"}},"
            + "{\"configMap\":{\"name\":\"kube-root-ca.crt\",\"items\":[{\"key\":\"ca.crt\",\"path\":\"ca.crt\"}]}}],\"defaultMode\":420}}],"
            + "\"containers\":[" + container + "],\"restartPolicy\":\"Always\",\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\","
            + "\"serviceAccountName\":\"default\",\"serviceAccount\":\"default\",\"nodeName\":\"node-" + (i % 7) + "\",\"securityContext\":{},"
            + "\"schedulerName\":\"default-scheduler\",\"tolerations\":[{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}],"
            + "\"priority\":0,\"enableServiceLinks\":true,\"preemptionPolicy\":\"PreemptLowerPriority\"},"
            + "\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Initialized\",\"status\":\"True\",\"lastProbeTime\":null,\"lastTransitionTime\":\"2026-11-27T11:30:27Z\"},"
            + "{\"type\":\"Ready\",\"status\":\"True\",\"lastProbeTime\":null,\"lastTransitionTime\":\"2026-11-27T11:30:31Z\"}],"
            + "\"hostIP\":\"172.18.0.2\",\"podIP\":\"10.244.0." + (i % 250) + "\",\"startTime\":\"2026-11-27T11:30:27Z\","
            + "\"containerStatuses\":[{\"name\":\"web\",\"state\":{\"running\":{\"startedAt\":\"2026-11-27T11:30:30Z\"}},\"ready\":true,\"restartCount\":0,"
            + "\"image\":\"registry.example.com/shop/web:1.27\",\"imageID\":\"registry.example.com/shop/web@sha256:0f3b2c1d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcdef\","
            + "\"containerID\":\"containerd://4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b\",\"started\":true}],\"qosClass\":\"Burstable\"}}");
      }
      write(out, "]}\n");
      return out.toByteArray();
    }

    private static String b64(String s) {
      return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(ByteArrayOutputStream out, String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      out.write(b, 0, b.length);
    }
  }
}
