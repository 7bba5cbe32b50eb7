package dev.kubeguard.core.oidc;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import java.io.IOException;
import java.net.URI;

/**
 * Finds an issuer's JWKS (OpenID discovery, or the configured URI) and opens it as a cached,
 * refresh-ahead, rate-limited key source with bounded HTTP timeouts and document size. Keys only
 * ever come from here, never from a token's {@code jwk}, {@code jku} or {@code x5u} header.
 * Stateless; each call does network I/O bounded by the configured timeouts.
 */
final class IssuerKeys {
  private IssuerKeys() {}

  /**
   * The JWKS location for {@code issuer}: fetched from its discovery document (whose
   * {@code issuer} must equal the configured one exactly) or taken from the configuration.
   *
   * @throws IOException when the issuer cannot be reached or the document is unusable
   */
  public static URI jwksUri(OidcIssuer issuer, OidcSettings settings) throws IOException {
    if (!issuer.discovery()) {
      return issuer.jwksUri();
    }
    OIDCProviderMetadata metadata;
    try {
      metadata =
          OIDCProviderMetadata.resolve(
              new Issuer(issuer.issuer().toString()),
              (int) settings.connectTimeout().toMillis(),
              (int) settings.readTimeout().toMillis());
    } catch (GeneralException e) {
      throw new IOException("discovery document rejected: " + e.getMessage(), e);
    }
    URI jwks = metadata.getJWKSetURI();
    if (jwks == null) {
      throw new IOException("discovery document has no jwks_uri");
    }
    try {
      WebUris.requireSecure(jwks, "jwks_uri from discovery");
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    return jwks;
  }

  /** A key source over {@code jwksUri}: nothing is fetched until the first key lookup. */
  public static JWKSource<SecurityContext> open(URI jwksUri, OidcSettings settings)
      throws IOException {
    int connect = (int) settings.connectTimeout().toMillis();
    int read = (int) settings.readTimeout().toMillis();
    DefaultResourceRetriever retriever =
        new DefaultResourceRetriever(connect, read, OidcSettings.MAX_DOCUMENT_BYTES);
    return JWKSourceBuilder.<SecurityContext>create(jwksUri.toURL(), retriever)
        .cache(settings.jwksCacheTtl().toMillis(), (long) connect + read)
        .refreshAheadCache(true)
        .rateLimited(settings.jwksRefreshMinInterval().toMillis())
        .build();
  }
}
