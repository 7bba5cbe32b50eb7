package dev.kubeguard.approval.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.spi.Masker;
import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingStream;
import dev.kubeguard.core.mask.RequestAuditMasking;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Builds the {@link ApprovalView} of a held request: its body through the Guard's masker and, for
 * a create, update, patch or delete of a resource, the same request sent with {@code dryRun=All}
 * (same method, path, query, body and Content-Type, with the replica's own client) diffed against
 * the live object (GET), both masked by the same masker before diffing, so equal secrets show as
 * equal tokens and a changed secret as a changed token.
 *
 * <p>A DELETE carries {@code dryRun: ["All"]} in its DeleteOptions body too: kube-apiserver
 * reads a delete's options from the body whenever there is one and then ignores the query, so a
 * body without it would make the "dry run" a real delete. A delete body that is not a JSON object
 * is not previewed.
 *
 * <p>What is never sent for a preview: a request that opens a session ({@code exec},
 * {@code attach}, {@code portforward}, {@code proxy}) or writes any subresource but
 * {@code status} and {@code scale}, a non-resource request, a {@code deletecollection}.
 * A server that ignores {@code dryRun} would perform the write: every built-in API and every
 * CRD honours it; an aggregated API server that does not should be excluded with
 * {@code dryRun(false)}.
 *
 * <p><b>Threading:</b> thread-safe. {@link #view} blocks for at most the timeout (both requests
 * run at once). <b>Failure:</b> never throws: whatever goes wrong (a refusal, a timeout, a body
 * the masker cannot read) is a view without a diff whose note says why; nothing unmasked is kept.
 * The server's own words are quoted only for refusals that cannot echo request values.
 */
final class RequestPreview {

  static final String NO_MASKER = "request bodies are not shown: no masker is configured (KubernetesApprover.builder().masker(...),"
      + " the Guard's own masker)";
  private static final Set<String> MUTATING = Set.of("create", "update", "patch", "delete");
  private static final Set<String> PREVIEWED_SUBRESOURCES = Set.of("", "status", "scale");
  /** Refusals whose message names users and resources, never the request's values. */
  private static final Set<Integer> QUOTED = Set.of(401, 403, 404, 405, 409);
  private static final int MAX_LINES = 20_000;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final KubernetesClient client;
  private final Masker masker;
  private final boolean dryRun;
  private final Duration timeout;
  private final RequestAuditMasking bodies;

  RequestPreview(KubernetesClient client, Masker masker, boolean dryRun, Duration timeout) {
    this.client = client;
    this.masker = masker;
    this.dryRun = dryRun;
    this.timeout = timeout;
    this.bodies = masker == null ? null : new RequestAuditMasking(masker);
  }

  /** Whether {@link #view} would call the API server for {@code r} (a dry-run preview). */
  boolean callsServer(ApprovalRequest r) {
    return masker != null && dryRun && whyNoDryRun(r.request()) == null;
  }

  /** The view of {@code r}; blocks for a dry-run when {@link #callsServer} says so. */
  ApprovalView view(ApprovalRequest r) {
    return view(r, null);
  }

  /** The view of {@code r} without calling the server, {@code note} saying why. */
  ApprovalView withoutServer(ApprovalRequest r, String note) {
    return view(r, note);
  }

  private ApprovalView view(ApprovalRequest r, String skipped) {
    if (masker == null) {
      return ApprovalView.note(NO_MASKER);
    }
    AccessRequest q = r.request();
    String profile = profile(r);
    String body = maskedBody(q, profile);
    String why = whyNoDryRun(q);
    if (why != null) {
      return new ApprovalView(body, "", why);
    }
    if (!dryRun) {
      return new ApprovalView(body, "", "dry-run preview is turned off for this approver");
    }
    if (skipped != null) {
      return new ApprovalView(body, "", skipped);
    }
    return preview(q, profile, body);
  }

  private static String profile(ApprovalRequest r) {
    String p = r.decision().obligations().maskingProfile();
    // What approvers see is masked even when the response is not: "none" means the default.
    return "none".equals(p) ? "default" : p;
  }

  private String maskedBody(AccessRequest q, String profile) {
    String compact = bodies.body(q, profile);
    if (compact == null) {
      return "";
    }
    try {
      return JSON.writeValueAsString(JSON.readTree(compact));
    } catch (Exception e) {
      return compact; // already masked; only the pretty-printing failed
    }
  }

  private static String whyNoDryRun(AccessRequest q) {
    Attributes a = q.attributes();
    if (q.request() == null) {
      return "not an HTTP request";
    }
    if (!MUTATING.contains(a.verb())) {
      return "not a mutating request (" + a.verb() + "): nothing to preview";
    }
    if (!a.isResourceRequest()) {
      return "not a resource request: no dry run";
    }
    if (!PREVIEWED_SUBRESOURCES.contains(a.subresource())) {
      return "no dry run for subresource " + a.subresource() + " (it is not an object write)";
    }
    if (q.request().isUpgrade()) {
      return "a protocol upgrade has no dry run";
    }
    return null;
  }

  private ApprovalView preview(AccessRequest q, String profile, String body) {
    KubeRequest http = q.request();
    Attributes a = q.attributes();
    HttpClient h = client.getHttpClient();
    CompletableFuture<HttpResponse<byte[]>> live = a.name().isEmpty()
        ? CompletableFuture.completedFuture(null) // a create names its object in the body: nothing lives there yet
        : h.sendAsync(request(h, "GET", http.rawPath(), null, null), byte[].class);
    byte[] dryBody = http.body();
    String contentType = http.header("Content-Type");
    if (http.method().equals("DELETE")) {
      dryBody = deleteOptionsWithDryRun(dryBody);
      contentType = "application/json";
      if (dryBody == null) {
        return new ApprovalView(body, "", "not previewed: the delete options are not a JSON object, so a dry run cannot be asked for safely");
      }
    }
    CompletableFuture<HttpResponse<byte[]>> dry = h.sendAsync(
        request(h, http.method(), http.rawPath() + "?" + dryRunQuery(http.rawQuery()), contentType, dryBody), byte[].class);
    try {
      CompletableFuture.allOf(live, dry).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      live.cancel(true);
      dry.cancel(true);
      return new ApprovalView(body, "", "dry-run timed out after " + seconds(timeout) + "; no diff");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ApprovalView(body, "", "dry-run interrupted; no diff");
    } catch (ExecutionException e) {
      // the client's own request timeout (set from the same bound) may fire before ours
      if (e.getCause() instanceof java.net.http.HttpTimeoutException || e.getCause() instanceof TimeoutException) {
        return new ApprovalView(body, "", "dry-run timed out after " + seconds(timeout) + "; no diff");
      }
      return new ApprovalView(body, "", "dry-run could not be sent (" + e.getCause().getClass().getSimpleName() + "); no diff");
    }
    HttpResponse<byte[]> d = dry.join();
    if (!d.isSuccessful()) {
      return new ApprovalView(body, "", "dry-run refused: " + refusal(d));
    }
    HttpResponse<byte[]> l = live.join();
    List<String> before;
    String beforeName;
    if (l == null || l.code() == 404) {
      before = List.of();
      beforeName = "live (none)";
    } else if (!l.isSuccessful()) {
      return new ApprovalView(body, "", "the live object could not be read: " + refusal(l) + "; no diff");
    } else {
      before = lines(maskObject(q, profile, l.body()));
      beforeName = "live " + a.combinedResource() + "/" + a.name();
      if (before == null) {
        return new ApprovalView(body, "", "the live object could not be masked; no diff is shown");
      }
    }
    List<String> after;
    String afterName;
    JsonNode result = maskObject(q, profile, d.body());
    if (result == null) {
      return new ApprovalView(body, "", "the dry-run result could not be masked; no diff is shown");
    }
    if (a.verb().equals("delete") && gone(result)) {
      after = List.of();
      afterName = "after delete (none)";
    } else {
      after = lines(result);
      afterName = "dry-run result";
    }
    if (before.size() > MAX_LINES || after.size() > MAX_LINES) {
      return new ApprovalView(body, "", "the objects are too large to diff (over " + MAX_LINES + " lines)");
    }
    String diff = TextDiff.unified(beforeName, before, afterName, after);
    return new ApprovalView(body, diff, diff.isEmpty() ? "the dry-run result equals the live object: no change" : "");
  }

  private HttpRequest request(HttpClient h, String method, String pathAndQuery, String contentType, byte[] body) {
    HttpRequest.Builder b = h.newHttpRequestBuilder().uri(base() + pathAndQuery).header("Accept", "application/json")
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!method.equals("GET")) {
      byte[] bytes = body == null ? new byte[0] : body;
      b.method(method, contentType == null ? "application/json" : contentType, new ByteArrayInputStream(bytes), (long) bytes.length);
    }
    return b.build();
  }

  private String base() {
    String url = client.getMasterUrl().toString();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  // The request's own query, plus dryRun=All unless it asks for a dry run already.
  static String dryRunQuery(String rawQuery) {
    if (rawQuery.isEmpty()) {
      return "dryRun=All";
    }
    boolean has = Arrays.stream(rawQuery.split("&")).anyMatch(p -> p.equals("dryRun=All"));
    return has ? rawQuery : rawQuery + "&dryRun=All";
  }

  /**
   * The delete's own options with {@code dryRun: ["All"]} set, or {@code null} when the body is
   * not a JSON object (then nothing is sent: the server would read options we cannot amend).
   */
  static byte[] deleteOptionsWithDryRun(byte[] body) {
    try {
      ObjectNode options = body.length == 0
          ? JSON.createObjectNode().put("apiVersion", "v1").put("kind", "DeleteOptions")
          : JSON.readTree(body) instanceof ObjectNode o ? o : null;
      if (options == null) {
        return null;
      }
      options.putArray("dryRun").add("All");
      return JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(options);
    } catch (Exception notJson) {
      return null;
    }
  }

  private static String refusal(HttpResponse<byte[]> r) {
    String reason = "";
    String message = "";
    try {
      JsonNode status = JSON.readTree(r.body());
      reason = status.path("reason").asText("");
      message = status.path("message").asText("");
    } catch (Exception notAStatus) {
      // the code says enough
    }
    StringBuilder s = new StringBuilder().append(r.code());
    if (!reason.isEmpty()) {
      s.append(' ').append(reason.replaceAll("[^A-Za-z]", ""));
    }
    if (QUOTED.contains(r.code()) && !message.isEmpty()) {
      s.append(": ").append(message.length() > 300 ? message.substring(0, 300) + "…" : message);
    } else if (!message.isEmpty()) {
      s.append(" (the server's message is not shown: it may quote the request's values)");
    }
    return s.toString();
  }

  // One response object through the masker, exactly as the Guard masks responses; null when it cannot.
  private JsonNode maskObject(AccessRequest q, String profile, byte[] json) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      MaskingStream s = masker.open(new MaskingContext(profile, "application/json", q), chunk -> {
        byte[] b = new byte[chunk.remaining()];
        chunk.get(b);
        out.write(b, 0, b.length);
      });
      s.write(ByteBuffer.wrap(json));
      s.finish();
      JsonNode o = JSON.readTree(out.toByteArray());
      if (o instanceof ObjectNode obj && obj.get("metadata") instanceof ObjectNode meta) {
        // Bookkeeping that changes on every write and says nothing to an approver.
        meta.remove("managedFields");
        meta.remove("resourceVersion");
      }
      return o;
    } catch (Exception | AssertionError e) {
      return null;
    }
  }

  private static List<String> lines(JsonNode o) {
    if (o == null) {
      return null;
    }
    try {
      return List.of(JSON.writeValueAsString(o).split("\\R", -1));
    } catch (Exception e) {
      return null;
    }
  }

  // A dry-run delete answers the object as it was (gone at once) or with a deletionTimestamp (finalizers hold it).
  private static boolean gone(JsonNode result) {
    if ("Status".equals(result.path("kind").asText())) {
      return true;
    }
    return result.path("metadata").path("deletionTimestamp").isMissingNode()
        || result.path("metadata").path("deletionTimestamp").isNull();
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
