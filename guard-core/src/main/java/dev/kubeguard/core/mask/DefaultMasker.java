package dev.kubeguard.core.mask;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.spi.ChunkSink;
import dev.kubeguard.api.spi.Masker;
import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import dev.kubeguard.core.internal.SharedSlots;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;

/**
 * The built-in {@link Masker}: rewrites Kubernetes responses as they stream so that secrets never
 * reach the caller, in constant memory per body.
 *
 * <h2>What is masked (profile {@code default})</h2>
 * <ul>
 *   <li>Every value of a Secret's {@code data} (replaced by base64 of a token, so it is still
 *       valid base64) and {@code stringData} (the token itself), in single objects, {@code items}
 *       of lists, watch events' {@code object}, Table {@code rows[].object} (with
 *       {@code includeObject}) and write responses.
 *   <li>ConfigMap {@code data}/{@code binaryData} values whose key looks sensitive.
 *   <li>{@code env[].value} anywhere (containers, initContainers, ephemeralContainers, in any
 *       workload or revision) when the variable name looks sensitive.
 *   <li>In any object, the value of a field whose name looks sensitive ({@code spec.password},
 *       {@code spec.credentials.token}, {@code apiKey}): a string, or every scalar beneath an
 *       object or array. A name "looks sensitive" as {@link SensitiveNames} documents: it contains
 *       password, passwd, passphrase, passcode, secret, token, credential, apikey, privatekey,
 *       privkey, accesskey, connectionstring or sessionid, or has the word key, pwd, pass, pw,
 *       cred(s), pat, jwt, hmac or authorization, or ends with salt, dsn, auth, bearer, cookie(s)
 *       or signature ({@code STRIPE_KEY}, {@code SIGNING_SALT}, not {@code KEYCLOAK_URL}). Field
 *       names that name or reference a secret ({@code secretName}, {@code secretKeyRef},
 *       {@code key}, {@code tokenExpirationSeconds}, the {@code secret} volume source) and schema
 *       property names (CRDs, OpenAPI) are left alone. Rule {@code SENSITIVE_FIELD_NAMES}; the
 *       profile's sensitive-name patterns extend it.
 *   <li>TokenRequest {@code status.token} and TokenReview {@code spec.token}.
 *   <li>Any string whose value is JSON, such as
 *       {@code kubectl.kubernetes.io/last-applied-configuration} or a manifest in a ConfigMap:
 *       parsed (bounded), masked inside with these same rules, recursively, and written back as a
 *       JSON string (its own bytes when nothing inside was masked). One that starts like JSON but
 *       does not parse, is too large or too deeply embedded, is masked whole, and so is text that
 *       declares {@code kind: Secret} without being JSON (a YAML manifest).
 *   <li>Any object saying {@code kind: Secret} (any case), wherever it sits, has its data masked.
 *   <li>Value detectors on every other string and on text bodies: JWTs, PEM private keys, AWS
 *       and Google keys, GitHub, GitLab, Slack and Stripe tokens, basic-auth URL passwords and the
 *       value of {@code password=}/{@code token:}-style pairs.
 * </ul>
 * Table {@code cells} are ordinary values: detectors apply to them. Everything that is not
 * masked keeps its exact bytes: the input is copied and only masked spans are rewritten, so
 * whitespace, key order, number spelling, escapes and watch framing are the server's.

 * <h2>Tokens</h2>
 * A masked value becomes {@code kubeguard-masked:<16 hex>}, the first 8 bytes of HMAC-SHA256 of
 * the value under this masker's key (Secret {@code data} is hashed over its decoded bytes). Equal
 * secrets give equal tokens under one masker, in {@code data}, {@code stringData} and the
 * last-applied annotation alike; without the key a token reveals nothing.
 *
 * <h2>Field order</h2>
 * kube-apiserver writes {@code kind} first, but the last-applied annotation has sorted keys
 * ({@code data} before {@code kind}) and clients may send any order. A value is never emitted
 * before it is decided: when {@code data}, {@code stringData} or {@code binaryData} arrives in
 * an object whose own kind is not known yet (also a list item, unless its list is a
 * {@code SecretList}), it is written in place as a Secret's would be and the output from there
 * is held (bounded by {@link Builder#maxHeldBytes}) until {@code kind} arrives or the object
 * ends; then it is decided by that kind (or the list's), and re-masked from its input bytes if
 * that differs. Past the bound it stays masked as a Secret's. An env var's {@code value} that
 * precedes its {@code name} is held likewise. Kinds compare without case.

 * <h2>Failure</h2>
 * {@link #open} throws {@link MaskingException} for an unknown profile and for a body it cannot
 * read under a masking profile: protobuf, CBOR, YAML, a charset other than UTF-8, and text for a
 * resource request other than logs ({@code <resource>/log}), {@code exec} and {@code attach}
 * (a Secret served as {@code text/plain} is withheld; non-resource URLs may be text). An untyped
 * body is read as JSON. A stream throws it for broken JSON, an object with a duplicate key, a
 * string longer than
 * {@code maxHeldBytes}, nesting deeper than {@code maxDepth}, or a log line with nowhere safe to
 * cut; the caller withholds the rest of the body and answers {@link KubeStatus#internalError}.
 * Messages never quote the body. Profile {@code none} passes any body through unread.
 *
 * <p><b>Threading:</b> thread-safe; {@link #open} may be called concurrently, each stream serves
 * one body on one thread at a time. A JSON stream's scanner, engine and tokens are kept for the
 * next body once it finishes cleanly (a few per profile, shared by all threads): a stream that
 * failed or was abandoned is never reused.
 */
public final class DefaultMasker implements Masker {

  private final MaskTokens.Keyed key;
  private final Map<String, Profile> profiles;
  private final MaskLimits limits;
  // as many JSON streams' parts as a profile keeps: the streams open at once on a busy client
  private static final int SPARE_STREAMS = 8;

  // A profile and the JSON streams' parts kept for it: made with this masker's key, so never
  // lent to another masker.
  private record Profile(CompiledProfile compiled, SharedSlots<JsonMaskingStream.Parts> spareParts) {}

  private DefaultMasker(SecretKeySpec key, Map<String, CompiledProfile> profiles, MaskLimits limits) {
    this.key = new MaskTokens.Keyed(key);
    Map<String, Profile> withSpares = new HashMap<>();
    profiles.forEach((name, p) -> withSpares.put(name, new Profile(p, new SharedSlots<>(SPARE_STREAMS))));
    this.profiles = Map.copyOf(withSpares);
    this.limits = limits;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public boolean knowsProfile(String profile) {
    return profiles.containsKey(profile);
  }

  @Override
  public MaskingStream open(MaskingContext context, ChunkSink downstream) throws MaskingException {
    Objects.requireNonNull(downstream, "downstream");
    Profile known = profiles.get(context.profile());
    if (known == null) {
      throw new MaskingException(
          "unknown masking profile '" + context.profile() + "'; body withheld (known: " + profiles.keySet() + ")");
    }
    CompiledProfile profile = known.compiled();
    if (profile.passThrough()) {
      return Masker.passThrough().open(context, downstream);
    }
    return switch (ContentTypes.reading(context.contentType())) {
      case JSON -> JsonMaskingStream.open(profile, key, limits, known.spareParts(), downstream);
      case TEXT -> {
        if (!textExpected(context)) {
          throw new MaskingException(
              "a '" + context.contentType() + "' body for a " + describe(context.request().attributes())
                  + " request, which answers JSON; body withheld");
        }
        yield new TextMaskingStream(profile, new MaskTokens(key), limits, downstream);
      }
      case UNREADABLE -> throw new MaskingException(
          "cannot mask a '" + context.contentType() + "' body (only JSON and text/plain); body withheld");
    };
  }

  /**
   * Text is masked only where Kubernetes answers text: logs ({@code pods/log} and any other
   * {@code <resource>/log}), exec and attach streams, and non-resource URLs ({@code /healthz},
   * {@code /metrics}, {@code /version}). A resource answers JSON; served as text it could be a
   * Secret that the text rules would not recognise.
   */
  private static boolean textExpected(MaskingContext context) {
    Attributes a = context.request().attributes();
    // no resource named: not a resource read (the CLI masking a log file it was given)
    if (!a.isResourceRequest() || a.resource().isEmpty()) {
      return true;
    }
    String sub = a.subresource();
    return sub.equals("log") || sub.equals("exec") || sub.equals("attach");
  }

  private static String describe(Attributes a) {
    return a.subresource().isEmpty() ? a.resource() : a.resource() + "/" + a.subresource();
  }

  /** Builds a {@link DefaultMasker}; fails at {@link #build()} without a key. Not thread-safe. */
  public static final class Builder {
    private byte[] key;
    private final Map<String, MaskingProfile> profiles = new LinkedHashMap<>();
    private int maxHeldBytes = 4 * 1024 * 1024;
    private int maxDepth = 200;
    private int maxEmbeddedBytes = 512 * 1024;

    private Builder() {}

    /** The HMAC key for tokens (at least 16 bytes); keep it per Guard and secret. */
    public Builder key(byte[] hmacKey) {
      this.key = Objects.requireNonNull(hmacKey, "hmacKey").clone();
      return this;
    }

    /** A fresh random 32-byte key: tokens are stable for this masker's lifetime only. */
    public Builder randomKey() {
      byte[] k = new byte[32];
      new SecureRandom().nextBytes(k);
      this.key = k;
      return this;
    }

    /**
     * Makes a profile available by its name, beside {@code default} and {@code none} (a profile
     * of either name replaces the built-in one).
     */
    public Builder profile(MaskingProfile profile) {
      Objects.requireNonNull(profile, "profile");
      if (profiles.containsKey(profile.name())) {
        throw new IllegalArgumentException("masking profile '" + profile.name() + "' added twice");
      }
      profiles.put(profile.name(), profile);
      return this;
    }

    /**
     * The most one stream holds at once: the longest JSON string, the deferred {@code data} of
     * an object whose kind is not known yet, the longest log line. Default 4 MiB (a Secret is at
     * most 1 MiB).
     */
    public Builder maxHeldBytes(int bytes) {
      this.maxHeldBytes = bytes;
      return this;
    }

    /** The deepest JSON nesting accepted; deeper bodies are withheld. Default 200. */
    public Builder maxDepth(int depth) {
      this.maxDepth = depth;
      return this;
    }

    /** The longest annotation parsed as embedded JSON; longer ones are masked whole. Default 512 KiB. */
    public Builder maxEmbeddedBytes(int bytes) {
      this.maxEmbeddedBytes = bytes;
      return this;
    }

    public DefaultMasker build() {
      if (key == null) {
        throw new IllegalStateException("DefaultMasker needs an HMAC key: call key(bytes) or randomKey()");
      }
      if (key.length < 16) {
        throw new IllegalStateException("DefaultMasker key must be at least 16 bytes, got " + key.length);
      }
      MaskLimits limits = new MaskLimits(maxHeldBytes, maxDepth, maxEmbeddedBytes);
      Map<String, CompiledProfile> compiled = new HashMap<>();
      compiled.put(MaskingProfile.DEFAULT.name(), new CompiledProfile(MaskingProfile.DEFAULT));
      compiled.put(MaskingProfile.NONE.name(), new CompiledProfile(MaskingProfile.NONE));
      profiles.forEach((name, p) -> compiled.put(name, new CompiledProfile(p)));
      return new DefaultMasker(new SecretKeySpec(key, "HmacSHA256"), Map.copyOf(compiled), limits);
    }
  }
}
