package dev.kubeguard.approval.web;

import com.nimbusds.jwt.JWTParser;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.AuthenticationException;
import dev.kubeguard.api.spi.Authenticator;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Proves who holds a bearer token and that they may look at approvals: an OIDC id token checked
 * by the configured {@link Authenticator} (an {@code OidcAuthenticator}), or a Kubernetes token
 * the API server authenticates (TokenReview) whose user may {@code list} ApprovalRequests in the
 * approvals namespace (SubjectAccessReview). Answering needs more ({@code approve}, checked by
 * {@code KubernetesApprover.answer} with the same token); this only decides who may look.
 *
 * <p>Thread-safe; blocks for the reviews (bounded by the client's request timeout). Every failure
 * is a {@link SignInRefusedException}; no message contains the token.
 */
final class BearerProof {

  static final String KUBERNETES = "kubernetes";
  static final String OIDC = "oidc";
  static final int MAX_TOKEN_CHARS = 16 * 1024;

  private final KubernetesClient client;
  private final Authenticator oidc;
  private final String namespace;

  /** {@code client} null: Kubernetes tokens are not accepted; {@code oidc} null: OIDC tokens are not. */
  BearerProof(KubernetesClient client, Authenticator oidc, String namespace) {
    this.client = client;
    this.oidc = oidc;
    this.namespace = namespace;
  }

  Viewer prove(String token) {
    if (token == null || token.isBlank()) {
      throw new SignInRefusedException(401, "sign in with your own bearer token (a Kubernetes token or an OIDC id token)");
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw new SignInRefusedException(401, "the token is longer than " + MAX_TOKEN_CHARS + " characters");
    }
    String oidcFailure = null;
    if (oidc != null) {
      try {
        return new Viewer(oidc.authenticate(token), OIDC);
      } catch (AuthenticationException | RuntimeException e) {
        oidcFailure = e.getMessage();
      }
    }
    if (client == null) {
      throw new SignInRefusedException(401, "the token is not a valid OIDC id token: " + oidcFailure);
    }
    Identity who = tokenReview(token, oidcFailure);
    mayList(who);
    return new Viewer(who, KUBERNETES);
  }

  /** When {@code token} stops being accepted, if it is a JWT that says ({@code exp}); else {@code null}. */
  static Instant expiry(String token) {
    try {
      Date exp = JWTParser.parse(token).getJWTClaimsSet().getExpirationTime();
      return exp == null ? null : exp.toInstant();
    } catch (java.text.ParseException | RuntimeException e) {
      return null; // an opaque token: the session lifetime alone bounds it
    }
  }

  /** An OIDC id token only (what the issuer's token endpoint returned): never sent to the API server. */
  Viewer proveOidc(String idToken) {
    if (oidc == null) {
      throw new SignInRefusedException(401, "OIDC id tokens are not accepted here");
    }
    try {
      return new Viewer(oidc.authenticate(idToken), OIDC);
    } catch (AuthenticationException | RuntimeException e) {
      throw new SignInRefusedException(401, "the issuer's id token did not verify: " + e.getMessage());
    }
  }

  private Identity tokenReview(String token, String oidcFailure) {
    TokenReview review;
    try {
      review = client.tokenReviews().create(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build());
    } catch (RuntimeException e) {
      throw new SignInRefusedException(401, "the API server could not review the token (" + e.getClass().getSimpleName() + ")");
    }
    if (review == null || review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())
        || review.getStatus().getUser() == null || review.getStatus().getUser().getUsername() == null
        || review.getStatus().getUser().getUsername().isBlank()) {
      throw new SignInRefusedException(401, "the API server did not authenticate the token"
          + (oidcFailure == null ? "" : ", and it is not a valid OIDC id token either (" + oidcFailure + ")"));
    }
    UserInfo u = review.getStatus().getUser();
    Map<String, List<String>> extra = u.getExtra() == null ? Map.of() : u.getExtra();
    return new Identity(u.getUsername(), u.getUid(), u.getGroups(), extra, "");
  }

  private void mayList(Identity who) {
    SubjectAccessReview asked = new SubjectAccessReviewBuilder().withNewSpec()
        .withUser(who.user()).withUid(who.uid()).withGroups(who.groups()).withExtra(who.extra())
        .withNewResourceAttributes()
        .withGroup("kubeguard.dev").withResource("approvalrequests").withVerb("list").withNamespace(namespace)
        .endResourceAttributes().endSpec().build();
    SubjectAccessReview answer;
    try {
      answer = client.authorization().v1().subjectAccessReview().create(asked);
    } catch (RuntimeException e) {
      throw new SignInRefusedException(403, "the API server could not check whether " + who.user()
          + " may see approvals (" + e.getClass().getSimpleName() + ")");
    }
    if (answer == null || answer.getStatus() == null || !Boolean.TRUE.equals(answer.getStatus().getAllowed())) {
      throw new SignInRefusedException(403, who.user() + " may not see approvals: the API server denies verb \"list\" on"
          + " approvalrequests.kubeguard.dev in namespace \"" + namespace + "\"");
    }
  }
}
