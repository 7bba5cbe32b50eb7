package dev.kubeguard.opa;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.spi.PolicyEngine;
import dev.kubeguard.opa.internal.cache.DecisionCache;
import dev.kubeguard.opa.internal.input.InputDocument;
import dev.kubeguard.opa.internal.result.AnswerReader;
import dev.kubeguard.opa.internal.result.AnswerReader.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A {@link PolicyEngine} that asks an Open Policy Agent over its REST Data API
 * ({@code POST /v1/data/<path>} with {@code {"input": ...}}).
 *
 * <pre>{@code
 * PolicyEngine opa = OpaPolicyEngine.builder()
 *     .url(URI.create("http://127.0.0.1:8181/v1/data/kubeguard/decision"))
 *     .timeout(Duration.ofMillis(250))
 *     .build();
 * }</pre>
 *
 * <p>The input is a {@code authorization.k8s.io/v1 SubjectAccessReview} as Kubernetes' webhook
 * authorizer sends it ({@code apiVersion}, {@code kind}, {@code spec}) plus {@code request} and
 * {@code context}; the result is a boolean or a decision object (see the module README). Every
 * decision carries the rule id {@code opa:<path>} and the annotations {@value #ANNOTATION_PATH} and,
 * when OPA logs decisions, {@value #ANNOTATION_DECISION_ID}.
 *
 * <p><b>Threading:</b> thread-safe; one instance serves all requests. <b>Blocking:</b> each call
 * blocks for at most the configured timeout (default 250 ms), or not at all on a cache hit.
 * <b>Failure:</b> never throws for OPA's sake: a timeout, a connection error, a non-200 answer, an
 * unreadable or undefined result, or a malformed decision object each yield a {@code DENY} whose
 * reason says what went wrong. The bearer token is never logged or put into a reason.
 */
public final class OpaPolicyEngine implements PolicyEngine {

  /** Decision annotation holding OPA's {@code decision_id}. */
  public static final String ANNOTATION_DECISION_ID = AnswerReader.DECISION_ID;
  /** Decision annotation holding the data path that was asked ({@code kubeguard/decision}). */
  public static final String ANNOTATION_PATH = AnswerReader.PATH;
  /** Decision annotation set to {@code "hit"} when the decision came from the decision cache. */
  public static final String ANNOTATION_CACHE = "opa-cache";
  /** The timeout used unless configured otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(250);
  /**
   * The masking profiles a result may name unless configured otherwise: guard-core's built-in
   * {@code MaskingProfile.DEFAULT} and {@code MaskingProfile.NONE}.
   */
  public static final Set<String> BUILT_IN_MASKING_PROFILES = Set.of("default", "none");

  private static final String DATA_PREFIX = "/v1/data/";

  private final URI url;
  private final String dataPath;
  private final String where;
  private final Duration timeout;
  private final Supplier<String> bearerToken;
  private final OpaTransport transport;
  private final DecisionCache cache;
  private final InputDocument inputs;
  private final Set<String> knownMaskingProfiles;

  private OpaPolicyEngine(Builder b) {
    this.url = b.url;
    this.dataPath = b.url.getRawPath().substring(DATA_PREFIX.length());
    this.where = b.url.toString();
    this.timeout = b.timeout;
    this.bearerToken = b.bearerToken;
    this.transport = b.transport != null ? b.transport : new dev.kubeguard.opa.internal.transport.JdkHttpTransport(
        b.timeout, AnswerReader.MAX_ANSWER_BYTES);
    this.cache = b.cacheTtl == null ? null : new DecisionCache(b.cacheTtl, b.cacheMaxEntries, System::nanoTime);
    this.inputs = new InputDocument(b.maxBodyBytes);
    this.knownMaskingProfiles = b.knownMaskingProfiles;
  }

  /** A builder; only {@link Builder#url(URI)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** An engine with every default for the Data API URL {@code dataUrl}. */
  public static OpaPolicyEngine of(URI dataUrl) {
    return builder().url(dataUrl).build();
  }

  /** The Data API URL asked. */
  public URI url() {
    return url;
  }

  /** The data path after {@code /v1/data/}, as it appears in rule ids ({@code opa:<path>}). */
  public String dataPath() {
    return dataPath;
  }

  @Override
  public Decision decide(AccessRequest request) {
    Objects.requireNonNull(request, "request");
    String ruleId = "opa:" + dataPath;
    Map<String, String> annotations = Map.of(ANNOTATION_PATH, dataPath);
    InputDocument.Encoded encoded;
    try {
      encoded = inputs.encode(request, cache != null);
    } catch (IOException | RuntimeException e) {
      return AnswerReader.failed("could not build the OPA input document: " + e.getClass().getSimpleName(),
          ruleId, annotations).decision();
    }
    if (cache != null) {
      Decision hit = cache.get(encoded.cacheKey());
      if (hit != null) {
        Map<String, String> a = new LinkedHashMap<>(hit.annotations());
        a.put(ANNOTATION_CACHE, "hit");
        return hit.withAnnotations(a);
      }
    }
    Outcome outcome = ask(encoded.requestBody(), ruleId, annotations);
    if (cache != null && outcome.evaluated()) {
      cache.put(encoded.cacheKey(), outcome.decision());
    }
    return outcome.decision();
  }

  private Outcome ask(byte[] body, String ruleId, Map<String, String> annotations) {
    Map<String, String> headers = new HashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Accept", "application/json");
    if (bearerToken != null) {
      String token;
      try {
        token = bearerToken.get();
      } catch (RuntimeException e) {
        return AnswerReader.failed("could not get the OPA bearer token: " + e.getClass().getSimpleName(),
            ruleId, annotations);
      }
      if (!Builder.validToken(token)) {
        return AnswerReader.failed("the OPA bearer token supplier returned an empty or multi-line token",
            ruleId, annotations);
      }
      headers.put("Authorization", "Bearer " + token);
    }
    long start = System.nanoTime();
    OpaResponse response;
    try {
      response = transport.post(new OpaRequest(url, headers, body, timeout));
    } catch (HttpTimeoutException e) {
      return timedOut(ruleId, annotations);
    } catch (IOException e) {
      return AnswerReader.failed("could not reach OPA at " + where + ": " + describe(e), ruleId, annotations);
    } catch (RuntimeException e) {
      return AnswerReader.failed("the OPA transport failed: " + describe(e), ruleId, annotations);
    }
    if (System.nanoTime() - start > timeout.toNanos()) {
      return timedOut(ruleId, annotations);
    }
    if (response == null) {
      return AnswerReader.failed("the OPA transport returned no answer", ruleId, annotations);
    }
    return AnswerReader.read(response.status(), response.body(), where, dataPath, knownMaskingProfiles);
  }

  private Outcome timedOut(String ruleId, Map<String, String> annotations) {
    return AnswerReader.failed("OPA at " + where + " timed out: no answer within " + timeout.toMillis() + " ms",
        ruleId, annotations);
  }

  private static String describe(Exception e) {
    // Exception messages from HTTP stacks name hosts and ports, never our headers.
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
  }

  @Override
  public String toString() {
    return "OpaPolicyEngine[" + where + ", timeout=" + timeout.toMillis() + "ms, bearerToken="
        + (bearerToken == null ? "none" : "set") + ", cache=" + (cache == null ? "off" : "on") + "]";
  }

  /**
   * Configures an {@link OpaPolicyEngine}. Not thread-safe; {@link #build()} validates everything
   * and fails with a message saying what to fix.
   */
  public static final class Builder {
    private URI url;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Supplier<String> bearerToken;
    private OpaTransport transport;
    private Duration cacheTtl;
    private int cacheMaxEntries;
    private int maxBodyBytes = InputDocument.DEFAULT_MAX_BODY_BYTES;
    private Set<String> knownMaskingProfiles = BUILT_IN_MASKING_PROFILES;
    private final StringBuilder errors = new StringBuilder();

    private Builder() {}

    /**
     * The full Data API URL of the decision, e.g.
     * {@code http://127.0.0.1:8181/v1/data/kubeguard/decision}. Required.
     */
    public Builder url(URI dataUrl) {
      this.url = dataUrl;
      return this;
    }

    /** How long one decision may take, connection included. Default 250 ms. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** A fixed bearer token sent as {@code Authorization: Bearer ...} (OPA's {@code --authentication=token}). */
    public Builder bearerToken(String token) {
      if (!validToken(token)) {
        error("bearerToken must be a non-empty single-line string");
      }
      String t = token;
      this.bearerToken = () -> t;
      return this;
    }

    /** A token read on every call, for tokens that rotate. A failing supplier denies the call. */
    public Builder bearerToken(Supplier<String> token) {
      if (token == null) {
        error("bearerToken supplier must not be null");
      }
      this.bearerToken = token;
      return this;
    }

    /** Replaces the built-in {@code java.net.http} transport (e.g. with the OPA Java SDK). */
    public Builder transport(OpaTransport transport) {
      if (transport == null) {
        error("transport must not be null (leave it unset for the built-in HTTP client)");
      }
      this.transport = transport;
      return this;
    }

    /**
     * Caches decisions for {@code ttl}, at most {@code maxEntries} of them, keyed by the whole
     * input except {@code context.time}: a policy that reads the time may see an answer up to
     * {@code ttl} old. Failures (timeouts, errors) are never cached. Off by default.
     */
    public Builder decisionCache(Duration ttl, int maxEntries) {
      if (ttl == null || ttl.isZero() || ttl.isNegative()) {
        error("decisionCache ttl must be positive, e.g. Duration.ofSeconds(5)");
      }
      if (maxEntries < 1) {
        error("decisionCache maxEntries must be at least 1");
      }
      this.cacheTtl = ttl;
      this.cacheMaxEntries = maxEntries;
      return this;
    }

    /**
     * Bodies larger than this are left out of the input, with {@code request.bodyTruncated: true}.
     * Default 1 MiB.
     */
    public Builder maxBodyBytes(int maxBodyBytes) {
      if (maxBodyBytes < 0) {
        error("maxBodyBytes must not be negative");
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /**
     * The masking profile names a result's {@code masking_profile} may name: the names of the
     * profiles registered with the Guard's masker (custom ones and whichever built-ins it keeps).
     * A result naming any other profile is denied before the request is sent, since the engine
     * cannot see the masker and a profile missing there would only be noticed on the response,
     * after a write had run. Default {@link #BUILT_IN_MASKING_PROFILES}. A result that names no
     * profile gets {@code "default"} whatever this says.
     */
    public Builder knownMaskingProfiles(Set<String> names) {
      if (names == null) {
        error("knownMaskingProfiles must not be null (leave it unset for \"default\" and \"none\")");
        return this;
      }
      for (String name : names) {
        if (name == null || name.isBlank()) {
          error("knownMaskingProfiles must hold non-empty profile names");
          return this;
        }
      }
      this.knownMaskingProfiles = Set.copyOf(names);
      return this;
    }

    /**
     * Builds the engine.
     *
     * @throws IllegalStateException listing every configuration problem and how to fix it
     */
    public OpaPolicyEngine build() {
      StringBuilder problems = new StringBuilder(errors);
      checkUrl(problems);
      if (timeout == null || timeout.isZero() || timeout.isNegative()) {
        problems.append("; timeout must be positive, e.g. Duration.ofMillis(250)");
      }
      if (problems.length() > 0) {
        throw new IllegalStateException("invalid OpaPolicyEngine configuration: " + problems.substring(2));
      }
      return new OpaPolicyEngine(this);
    }

    private void checkUrl(StringBuilder problems) {
      String example = " (e.g. http://127.0.0.1:8181/v1/data/kubeguard/decision)";
      if (url == null) {
        problems.append("; url is required: the full OPA Data API URL of the decision").append(example);
        return;
      }
      if (!url.isAbsolute() || url.getHost() == null) {
        problems.append("; url must be absolute with a host, got '").append(url).append("'").append(example);
        return;
      }
      String scheme = url.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        problems.append("; url must use http or https, got '").append(url.getScheme()).append("'");
      }
      if (url.getRawUserInfo() != null) {
        problems.append("; url must not carry credentials: use bearerToken(...) instead");
      }
      if (url.getRawFragment() != null) {
        problems.append("; url must not have a fragment");
      }
      String path = url.getRawPath() == null ? "" : url.getRawPath();
      if (!path.startsWith(DATA_PREFIX) || path.length() == DATA_PREFIX.length()) {
        problems.append("; url path must be /v1/data/<package path>/<rule>, got '").append(path).append("'")
            .append(example);
      } else if (path.contains("//") || path.endsWith("/")) {
        problems.append("; url path must not have empty segments, got '").append(path).append("'");
      }
    }

    private void error(String message) {
      errors.append("; ").append(message);
    }

    static boolean validToken(String token) {
      return token != null && !token.isBlank() && token.indexOf('\r') < 0 && token.indexOf('\n') < 0;
    }
  }
}
