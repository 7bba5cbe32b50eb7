package dev.kubeguard.okhttp;

import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.core.Guard;
import dev.kubeguard.core.GuardedExchange;
import dev.kubeguard.okhttp.internal.BufferedRequestBody;
import dev.kubeguard.okhttp.internal.GuardedResponses;
import dev.kubeguard.okhttp.internal.KubeRequests;
import dev.kubeguard.okhttp.internal.SyntheticResponses;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import kotlin.jvm.JvmClassMappingKt;
import kotlin.reflect.KClass;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OkHttp application interceptor that runs the {@link Guard} on every request: the official
 * Kubernetes Java client, fabric8's OkHttp backend and any OkHttp-based Kubernetes client.
 *
 * <pre>{@code
 * OkHttpClient guarded = base.newBuilder()
 *     .addInterceptor(GuardInterceptor.builder(guard).identity(bob).build())
 *     .build();
 * }</pre>
 *
 * <p>For every call it reads the request body (bounded by the Guard's limit), begins the call's
 * {@link GuardedExchange} and translates it:
 * <ul>
 *   <li><b>denied:</b> answers the Guard's {@code 403} Kubernetes {@code Status} as a synthetic
 *       response; nothing is sent to the server;
 *   <li><b>allowed:</b> forwards the request with the exchange's headers set and dropped
 *       ({@code Audit-ID}, which kube-apiserver adopts as its own; JSON-only {@code Accept} and no
 *       caller-set {@code Accept-Encoding} when the response is masked), then streams the body
 *       through the exchange's masker as the caller reads it (never buffered whole;
 *       {@code Content-Length} is dropped since masking changes it).
 * </ul>
 *
 * <p><b>Identity</b>, first match wins: the request's {@code Identity} tag
 * ({@code new Request.Builder().tag(Identity.class, who)}), the fixed {@link Builder#identity} or
 * the {@link Builder#identitySource}, the {@link Builder#serviceIdentity}. With none the call is
 * denied. {@link GuardedOkHttp#forIdentity} derives one client per identity.
 *
 * <p><b>Request bodies:</b> the Guard judges the complete body, and exactly the judged bytes are
 * sent (a body written twice could differ the second time). One-shot bodies are read once and
 * replaced by their bytes. A duplex body (HTTP/2 full duplex) cannot be read before sending and is
 * denied, as is a body larger than the Guard's {@code maxRequestBodyBytes} or one that fails to
 * write.
 *
 * <p><b>Redirects:</b> OkHttp follows them below application interceptors, so a followed hop
 * would reach a server unjudged. A client that follows redirects is refused on every call with a
 * 403 saying how to fix it; {@link GuardedOkHttp} derives clients that do not follow them.
 *
 * <p><b>WebSockets</b> ({@code exec}, {@code attach}, {@code portforward}): OkHttp runs
 * application interceptors on the handshake, which carries {@code Upgrade: websocket}, so the
 * Guard judges it as {@code create} on the subresource; a denied handshake never connects. Frames
 * after the handshake do not pass through interceptors: command output is <em>not masked</em> and
 * stdin is not judged.
 *
 * <p><b>Failure:</b> every path fails closed and OkHttp sees only responses or
 * {@link IOException}s: errors resolving the identity or judging the request become a {@code 403};
 * a response body the masker cannot read (protobuf, an unknown content encoding) is withheld and
 * answered with a {@code 500} InternalError {@code Status}; a masking failure mid-body fails the
 * body's read with an {@code IOException} after only masked bytes were delivered; a failed call
 * or an abandoned body is recorded as a failed response.
 *
 * <p><b>Threading:</b> immutable and thread-safe; one instance serves any number of concurrent
 * calls. Register it as an <em>application</em> interceptor ({@code addInterceptor}): as a network
 * interceptor it would run once per redirect and after OkHttp's own gzip handling.
 */
public final class GuardInterceptor implements Interceptor {

  private static final Logger LOG = LoggerFactory.getLogger(GuardInterceptor.class);
  private static final String FOLLOWS_REDIRECTS = "this OkHttpClient follows redirects, which OkHttp sends below the guard,"
      + " unjudged: build it with followRedirects(false) and followSslRedirects(false), or derive it with GuardedOkHttp";
  // OkHttp keys tags by KClass: request.tag(Class) maps the class on every call, and its first
  // call loads some fifty kotlin.reflect and FunctionN classes. Mapped once here, when the
  // interceptor is built, the first request pays neither.
  private static final KClass<Identity> IDENTITY_TAG = JvmClassMappingKt.getKotlinClass(Identity.class);
  private static final KClass<CallContext> CONTEXT_TAG = JvmClassMappingKt.getKotlinClass(CallContext.class);

  private final Guard guard;
  private final Identity fixedIdentity;
  private final IdentitySource identitySource;
  private final Identity serviceIdentity;
  private final Supplier<CallContext> callContext;

  private GuardInterceptor(Builder b) {
    this.guard = b.guard;
    this.fixedIdentity = b.identity;
    this.identitySource = b.identitySource;
    this.serviceIdentity = b.serviceIdentity;
    this.callContext = b.callContext;
  }

  /** Starts configuring an interceptor for {@code guard}. */
  public static Builder builder(Guard guard) {
    return new Builder(guard);
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    CallContext context = contextFor(request);
    Identity identity;
    try {
      identity = identityFor(request);
    } catch (Exception e) {
      LOG.warn("kubeguard: identity source failed; denying {} {}", request.method(), request.url().encodedPath(), e);
      return denied(request, guard.refuse(null, KubeRequests.withoutBody(request), context,
          "the identity of this call could not be resolved"));
    }
    if (chain.getFollowRedirects() || chain.getFollowSslRedirects()) {
      // OkHttp follows redirects below application interceptors: the next hop would go out unjudged.
      return denied(request, guard.refuse(identity, KubeRequests.withoutBody(request), context, FOLLOWS_REDIRECTS));
    }
    BufferedRequestBody body = BufferedRequestBody.read(request.body(), guard.maxRequestBodyBytes() + 1);
    GuardedExchange exchange = body.refusal() != null
        ? guard.refuse(identity, KubeRequests.withoutBody(request), context, body.refusal())
        : guard.begin(identity, KubeRequests.of(request, body), context);
    if (exchange.denied()) {
      return denied(request, exchange);
    }
    Response response;
    try {
      response = chain.proceed(forwarded(request, exchange, body));
    } catch (IOException | RuntimeException e) {
      exchange.failed(e);
      throw e;
    }
    return GuardedResponses.guard(exchange, response);
  }

  private Identity identityFor(Request request) throws Exception {
    Identity tagged = request.tag(IDENTITY_TAG);
    if (tagged != null) {
      return tagged;
    }
    Identity bound = fixedIdentity != null ? fixedIdentity
        : identitySource != null ? identitySource.identityFor(request) : null;
    return bound != null ? bound : serviceIdentity;
  }

  private static Response denied(Request request, GuardedExchange exchange) {
    return SyntheticResponses.denied(request, exchange);
  }

  private CallContext contextFor(Request request) {
    CallContext tagged = request.tag(CONTEXT_TAG);
    if (tagged != null) {
      return tagged;
    }
    CallContext supplied = callContext == null ? null : callContext.get();
    return supplied != null ? supplied : CallContext.now();
  }

  private static Request forwarded(Request request, GuardedExchange exchange, BufferedRequestBody body) {
    Request.Builder out = request.newBuilder();
    // Loops, not method references, which would be linked on the first call (see GuardedResponses).
    for (String name : exchange.headersToDrop()) {
      out.removeHeader(name);
    }
    for (Map.Entry<String, String> header : exchange.headersToSet().entrySet()) {
      out.header(header.getKey(), header.getValue());
    }
    if (request.body() != null) {
      out.method(request.method(), body.forwardable());
    }
    return out.build();
  }

  /**
   * Configures a {@link GuardInterceptor}. Not thread-safe; {@link #build()} validates and fails
   * with a message saying what to fix.
   */
  public static final class Builder {
    private final Guard guard;
    private Identity identity;
    private IdentitySource identitySource;
    private Identity serviceIdentity;
    private Supplier<CallContext> callContext;

    private Builder(Guard guard) {
      this.guard = guard;
    }

    /** Every call through this interceptor is made by {@code who} (unless a request tag says otherwise). */
    public Builder identity(Identity who) {
      this.identity = who;
      return this;
    }

    /** Finds each call's identity (unless a request tag gives it). Exclusive with {@link #identity}. */
    public Builder identitySource(IdentitySource source) {
      this.identitySource = source;
      return this;
    }

    /**
     * The identity used when nothing else binds one: the service's own. Without it, such calls
     * are denied.
     */
    public Builder serviceIdentity(Identity service) {
      this.serviceIdentity = service;
      return this;
    }

    /** Supplies the tool and session each call is made for (a {@code CallContext} request tag wins). */
    public Builder callContext(Supplier<CallContext> supplier) {
      this.callContext = supplier;
      return this;
    }

    public GuardInterceptor build() {
      List<String> problems = new ArrayList<>();
      if (guard == null) problems.add("no guard: pass the Guard to GuardInterceptor.builder(guard)");
      if (identity != null && identitySource != null) {
        problems.add("both identity(...) and identitySource(...) are set: choose one");
      }
      if (!problems.isEmpty()) {
        throw new IllegalStateException("invalid GuardInterceptor configuration: " + String.join("; ", problems));
      }
      Objects.requireNonNull(guard);
      return new GuardInterceptor(this);
    }
  }
}
