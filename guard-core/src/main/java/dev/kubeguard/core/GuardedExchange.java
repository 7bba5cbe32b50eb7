package dev.kubeguard.core;

import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.spi.ChunkSink;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.core.internal.Faults;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request's whole exchange as the Guard runs it, from {@link Guard#begin}: the denial to
 * answer, or what to change before forwarding; then the response's fate ({@link #respond}), a
 * failure before any response ({@link #failed}) or the end of an upgraded session
 * ({@link #sessionEnded}). Adapters only translate these into their HTTP client's terms, so every
 * adapter gives the same request the same answer and the same audit story: the trail records what
 * the caller saw.
 *
 * <p><b>Threading:</b> the accessors are immutable and safe from any thread; {@link #respond},
 * {@link #failed} and {@link #sessionEnded} may be called from any thread (fabric8 calls from I/O
 * threads), each once per exchange, and only for an allowed exchange. One exception: when the
 * HTTP client resends the identical judged request (fabric8 after refreshing a token on a 401),
 * {@link #respond} is called again for the new response; the superseded response never reached
 * the caller, and only the stream that is finished or aborted is recorded.
 * <b>Failure:</b> nothing here throws for a failing part (anything but a JVM-fatal error): a body
 * the masker cannot vouch for, or a masker that throws, becomes a {@link Reply.Withhold}, and
 * recorder failures after forwarding are logged (the request has already been sent), a recorder
 * that hangs holding the calling thread at most the Guard's recorder timeout.
 */
public final class GuardedExchange {

  /** The header that carries the audit id to kube-apiserver, which adopts it as its own. */
  public static final String AUDIT_ID = "Audit-ID";

  /** What to hand the caller once the response arrived. */
  public sealed interface Reply {
    /** Pass the response on, its body written through {@code body} (masked, captured, recorded). */
    record Pass(ResponseStream body) implements Reply {}

    /**
     * Answer {@code code} with the {@code v1 Status} {@code body} instead of the response, which
     * must be closed unread: the masker cannot vouch for it.
     */
    record Withhold(int code, String contentType, byte[] body) implements Reply {
      public Withhold {
        body = body.clone();
      }

      @Override
      public byte[] body() {
        return body.clone();
      }
    }
  }

  // the masker reads identity-encoded bodies only; one list for every exchange
  private static final List<String> DROP_FOR_MASKING = List.of("Accept-Encoding");

  private final Guard guard;
  private final Verdict verdict;
  private final Map<String, String> set;
  private final List<String> drop;
  private final Instant began;

  GuardedExchange(Guard guard, Verdict verdict, KubeRequest request) {
    this.guard = guard;
    this.verdict = verdict;
    this.began = guard.now();
    // A masked response must come as JSON; an upgrade has no body to ask a type for.
    this.set = !verdict.allowed() ? Map.of()
        : verdict.masksResponse() && !request.isUpgrade()
            ? Map.of(AUDIT_ID, verdict.auditId(), "Accept", AcceptHeaders.forMasking(request.header("Accept")))
            : Map.of(AUDIT_ID, verdict.auditId());
    // A caller-set Accept-Encoding makes the server compress a body the masker cannot read;
    // without it the HTTP client negotiates (and decodes) compression itself, or none is used.
    this.drop = verdict.allowed() && verdict.masksResponse() ? DROP_FOR_MASKING : List.of();
  }

  /** Whether the request may be forwarded. */
  public boolean allowed() {
    return verdict.allowed();
  }

  /** Whether the request was denied: answer {@link #statusCode()} and {@link #statusBody()}, send nothing. */
  public boolean denied() {
    return !verdict.allowed();
  }

  /** The audit id of this exchange, sent as {@link #AUDIT_ID} and answered on denials. */
  public String auditId() {
    return verdict.auditId();
  }

  /** The approval this exchange involved, or {@code ""}. */
  public String approvalId() {
    return verdict.approvalId();
  }

  /** The HTTP status of the denial (403; 422 for a write carrying masked values), or 0 when allowed. */
  public int statusCode() {
    return verdict.httpStatus();
  }

  /** The denial's {@code v1 Status} JSON (empty when allowed). */
  public byte[] statusBody() {
    return verdict.statusBody();
  }

  /** The denial's message as kube-apiserver words a Forbidden ({@code ""} when allowed). */
  public String message() {
    return verdict.message();
  }

  /** Headers to set (replacing any of the same name) before forwarding; empty when denied. */
  public Map<String, String> headersToSet() {
    return set;
  }

  /** Headers to remove before forwarding. */
  public List<String> headersToDrop() {
    return drop;
  }

  /** The masking profile the response goes through ({@code "none"}: untouched). */
  public String maskingProfile() {
    return verdict.maskingProfile();
  }

  /**
   * The response arrived with status {@code code}: decides what the caller gets. {@code upgrade}
   * is true when the connection was upgraded (a 101 to a WebSocket or SPDY handshake), whose
   * frames no masker sees: recorded as the session's start. A body without content (HEAD, 1xx,
   * 204, 304) passes and is recorded when its stream is finished. A body the masker cannot read
   * (protobuf, compressed, an unknown type) is withheld: the caller gets a 500 {@code Status}, and
   * so does the trail.
   *
   * @param sink where the masked body goes; called on the thread that writes the stream
   */
  public Reply respond(int code, String contentType, String contentEncoding, boolean upgrade, ChunkSink sink) {
    requireAllowed();
    if (upgrade) {
      guard.audit().sessionStarted(verdict, began, code);
      return new Reply.Pass(ResponseStream.finished());
    }
    try {
      return new Reply.Pass(guard.openResponse(verdict, code, contentType, contentEncoding, sink));
    } catch (MaskingException e) {
      return withheld(e.getMessage());
    } catch (Throwable e) {
      // Never let a failing part escape to the adapter: an unvouched body is withheld.
      Faults.rethrowIfFatal(e);
      return withheld("masker failed");
    }
  }

  /** The allowed request failed before a response (connection refused, timeout): recorded once. */
  public void failed(Throwable cause) {
    requireAllowed();
    guard.audit().failed(verdict, cause);
  }

  /**
   * The upgraded session this exchange allowed ended with the WebSocket {@code closeCode} and
   * {@code closeReason}: recorded as its completion, under the handshake's audit id.
   */
  public void sessionEnded(int closeCode, String closeReason) {
    requireAllowed();
    guard.audit().sessionEnded(verdict, began, closeCode, closeReason);
  }

  private Reply withheld(String why) {
    return new Reply.Withhold(500, AcceptHeaders.JSON, KubeStatus.internalError("kubeguard: response withheld: " + why));
  }

  private void requireAllowed() {
    if (!verdict.allowed()) {
      throw new IllegalStateException("a denied exchange is never forwarded, so it has no response");
    }
  }

  Verdict verdict() {
    return verdict;
  }

  @Override
  public String toString() {
    return "GuardedExchange[" + verdict + "]";
  }
}
