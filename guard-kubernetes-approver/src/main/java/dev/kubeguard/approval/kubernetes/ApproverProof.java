package dev.kubeguard.approval.kubernetes;

import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.AuthenticationException;
import dev.kubeguard.api.spi.Authenticator;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/**
 * Proves who is answering from the bearer token they present, and that they may: an OIDC token
 * checked by the configured {@link Authenticator} (the approver groups then decide), or a
 * Kubernetes identity the API server vouches for with a TokenReview, which must also pass a
 * SubjectAccessReview for verb {@code approve} on {@code approvalrequests.kubeguard.dev} (that
 * object's name, in its namespace). Thread-safe; blocks for the reviews (bounded by the client's
 * request timeout). Every failure is a refusal.
 */
final class ApproverProof {

  static final String KUBERNETES = "kubernetes";
  static final String OIDC = "oidc";

  record Proven(Identity identity, String provenBy) {}

  private final KubernetesClient client;
  private final Authenticator oidc;
  private final boolean kubernetesIdentities;

  ApproverProof(KubernetesClient client, Authenticator oidc, boolean kubernetesIdentities) {
    this.client = client;
    this.oidc = oidc;
    this.kubernetesIdentities = kubernetesIdentities;
  }

  Proven prove(String bearerToken, String namespace, String name) {
    if (bearerToken == null || bearerToken.isBlank()) {
      throw new AnswerRefusedException("an answer needs the answerer's own bearer token to prove who they are");
    }
    String oidcFailure = null;
    if (oidc != null) {
      try {
        return new Proven(oidc.authenticate(bearerToken), OIDC);
      } catch (AuthenticationException | RuntimeException e) {
        oidcFailure = e.getMessage();
      }
    }
    if (!kubernetesIdentities) {
      throw new AnswerRefusedException("the token is not a valid OIDC token for an approver: " + oidcFailure);
    }
    Identity who = tokenReview(bearerToken);
    requireApproveVerb(who, namespace, name);
    return new Proven(who, KUBERNETES);
  }

  private Identity tokenReview(String token) {
    TokenReview review;
    try {
      review = client.tokenReviews().create(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build());
    } catch (RuntimeException e) {
      throw new AnswerRefusedException("the API server could not review the answerer's token (" + e.getClass().getSimpleName() + ")", e);
    }
    if (review == null || review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())
        || review.getStatus().getUser() == null) {
      throw new AnswerRefusedException("the API server did not authenticate the answerer's token");
    }
    UserInfo u = review.getStatus().getUser();
    Map<String, List<String>> extra = u.getExtra() == null ? Map.of() : u.getExtra();
    return new Identity(u.getUsername(), u.getUid() == null ? "" : u.getUid(),
        u.getGroups() == null ? List.of() : u.getGroups(), extra, "");
  }

  private void requireApproveVerb(Identity who, String namespace, String name) {
    SubjectAccessReview asked = new SubjectAccessReviewBuilder().withNewSpec()
        .withUser(who.user()).withUid(who.uid()).withGroups(who.groups()).withExtra(who.extra())
        .withNewResourceAttributes()
        .withGroup(ApprovalObject.GROUP).withResource(ApprovalObject.PLURAL).withVerb("approve")
        .withNamespace(namespace).withName(name)
        .endResourceAttributes().endSpec().build();
    SubjectAccessReview answer;
    try {
      answer = client.authorization().v1().subjectAccessReview().create(asked);
    } catch (RuntimeException e) {
      throw new AnswerRefusedException("the API server could not check whether " + who.user() + " may approve ("
          + e.getClass().getSimpleName() + ")", e);
    }
    if (answer == null || answer.getStatus() == null || !Boolean.TRUE.equals(answer.getStatus().getAllowed())) {
      throw new AnswerRefusedException(who.user() + " may not approve: the API server denies verb \"approve\" on"
          + " approvalrequests.kubeguard.dev \"" + name + "\" in namespace \"" + namespace + "\"");
    }
  }
}
