package dev.kubeguard.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What approvers are told about one held request, as an {@link dev.kubeguard.api.spi.ApprovalNotifier}
 * receives it: who asks, what, why it is held, who may answer, until when, and where.
 *
 * <p>Carries only what may leave the process: no credential, and request content only as the
 * approver produced it through the Guard's masker ({@code maskedBody}, {@code diff}); an approver
 * without a masker leaves both empty and says why in {@code diffNote}. Immutable; null strings
 * become {@code ""}, null lists empty.
 *
 * @param id the approval id
 * @param requester the requester's user name
 * @param requesterGroups the requester's groups
 * @param verb the Kubernetes verb ({@code delete})
 * @param apiGroup the API group ({@code ""} for the core group)
 * @param resource the resource ({@code deployments})
 * @param subresource the subresource, or {@code ""}
 * @param namespace the object's namespace, or {@code ""}
 * @param name the object's name, or {@code ""}
 * @param reason why the policy holds it
 * @param approverGroups who may approve ({@code []}: anyone but the requester)
 * @param approvalsNeeded how many distinct approvers it takes
 * @param requestedAt when it was held
 * @param expiresAt when it expires unanswered
 * @param answerUrl where to answer it (a page or API URL), or {@code ""}
 * @param whereToAnswer where to answer it, in words ({@link dev.kubeguard.api.spi.Approver#whereToAnswer})
 * @param maskedBody the request body after masking, or {@code ""}
 * @param diff a unified diff of the live object against the server's dry-run result, masked, or {@code ""}
 * @param diffNote why there is no diff, or {@code ""}
 */
public record ApprovalNotice(
    String id,
    String requester,
    List<String> requesterGroups,
    String verb,
    String apiGroup,
    String resource,
    String subresource,
    String namespace,
    String name,
    String reason,
    List<String> approverGroups,
    int approvalsNeeded,
    Instant requestedAt,
    Instant expiresAt,
    String answerUrl,
    String whereToAnswer,
    String maskedBody,
    String diff,
    String diffNote) {

  public ApprovalNotice {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(requestedAt, "requestedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    requester = RequestInfo.nz(requester);
    requesterGroups = requesterGroups == null ? List.of() : List.copyOf(requesterGroups);
    verb = RequestInfo.nz(verb);
    apiGroup = RequestInfo.nz(apiGroup);
    resource = RequestInfo.nz(resource);
    subresource = RequestInfo.nz(subresource);
    namespace = RequestInfo.nz(namespace);
    name = RequestInfo.nz(name);
    reason = RequestInfo.nz(reason);
    approverGroups = approverGroups == null ? List.of() : List.copyOf(approverGroups);
    answerUrl = RequestInfo.nz(answerUrl);
    whereToAnswer = RequestInfo.nz(whereToAnswer);
    maskedBody = RequestInfo.nz(maskedBody);
    diff = RequestInfo.nz(diff);
    diffNote = RequestInfo.nz(diffNote);
  }

  /**
   * The notice of {@code request}, with the approver's words on where to answer and the view it
   * produced (already masked; {@code ""} for none).
   */
  public static ApprovalNotice of(ApprovalRequest request, String answerUrl, String whereToAnswer,
      String maskedBody, String diff, String diffNote) {
    AccessRequest q = request.request();
    Attributes a = q.attributes();
    ApprovalRequirement req = request.requirement();
    return new ApprovalNotice(request.id(), q.identity().user(), q.identity().groups(), a.verb(), a.apiGroup(),
        a.resource(), a.subresource(), a.namespace(), a.name(), request.decision().reason(), req.approverGroups(),
        req.count(), request.requestedAt(), request.expiresAt(), answerUrl, whereToAnswer, maskedBody, diff, diffNote);
  }

  /** {@code resource/subresource}, or just the resource. */
  public String combinedResource() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }
}
