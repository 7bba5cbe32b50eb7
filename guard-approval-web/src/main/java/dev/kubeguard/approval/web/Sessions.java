package dev.kubeguard.approval.web;

import dev.kubeguard.approval.kubernetes.PendingApproval;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Browser sessions of the page, kept in this process only: a random id (the cookie), the
 * signed-in viewer, their bearer token (used to answer, never sent back to the browser), a CSRF
 * token every form must echo, and an absolute expiry. A session ends at its expiry, on sign-out,
 * or with the process; sessions are not shared between replicas (sign in again on another).
 *
 * <p>Thread-safe. Bounded: once {@code max} live sessions exist, {@link #open} refuses until one
 * ends, so a flood of sign-ins cannot exhaust memory.
 */
final class Sessions {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** The outcome of an answer, for the page shown after it; {@code stateNow} may be null. */
  record Flash(String id, String message, boolean refused, PendingApproval.State stateNow) {}

  /** One session. {@link #toString()} leaves the token and secrets out. */
  static final class Session {
    final String id;
    final Viewer viewer;
    final String token;
    final String csrf;
    final Instant expiresAt;
    // What the last answer came to, shown once on the page the browser is sent to after it
    // (post/redirect/get: a reload then cannot send the answer again).
    private final AtomicReference<Flash> flash = new AtomicReference<>();

    private Session(String id, Viewer viewer, String token, String csrf, Instant expiresAt) {
      this.id = id;
      this.viewer = viewer;
      this.token = token;
      this.csrf = csrf;
      this.expiresAt = expiresAt;
    }

    /** Whether {@code given} is this session's CSRF token (constant time). */
    boolean csrfMatches(String given) {
      return given != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    void flash(Flash f) {
      flash.set(f);
    }

    /** The message left for approval {@code id}, once; empty when none was left for it. */
    Optional<Flash> takeFlash(String id) {
      Flash f = flash.getAndSet(null);
      return f != null && f.id().equals(id) ? Optional.of(f) : Optional.empty();
    }

    @Override
    public String toString() {
      return "Session[" + viewer.identity().user() + ", until " + expiresAt + "]";
    }
  }

  private final ConcurrentHashMap<String, Session> live = new ConcurrentHashMap<>();
  private final Duration lifetime;
  private final int max;
  private final Clock clock;

  Sessions(Duration lifetime, int max, Clock clock) {
    this.lifetime = lifetime;
    this.max = max;
    this.clock = clock;
  }

  Duration lifetime() {
    return lifetime;
  }

  /** A new 256-bit random value, URL-safe: session ids, CSRF tokens. */
  static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /**
   * Opens a session that ends at the lifetime or when {@code token} expires (a JWT's {@code exp}),
   * whichever is first: a session cannot outlive the token it answers with.
   *
   * @throws IllegalStateException when {@code max} sessions are live
   */
  Session open(Viewer viewer, String token) {
    Instant notAfter = BearerProof.expiry(token);
    Instant now = clock.instant();
    if (live.size() >= max) {
      live.values().removeIf(s -> !now.isBefore(s.expiresAt));
      if (live.size() >= max) {
        throw new IllegalStateException("too many people are signed in (" + max + "); try again later");
      }
    }
    Instant end = now.plus(lifetime);
    if (notAfter != null && notAfter.isBefore(end)) {
      end = notAfter;
    }
    Session s = new Session(random(), viewer, token, random(), end);
    live.put(s.id, s);
    return s;
  }

  Optional<Session> get(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Session s = live.get(id);
    if (s == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(s.expiresAt)) {
      live.remove(id, s);
      return Optional.empty();
    }
    return Optional.of(s);
  }

  void close(String id) {
    if (id != null) {
      live.remove(id);
    }
  }
}
