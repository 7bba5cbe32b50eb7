package dev.kubeguard.approval.kubernetes;

/**
 * An answer {@link KubernetesApprover} would not record: the answerer's identity could not be
 * proven, they may not answer this request, or the request is no longer open. Nothing changed.
 * The message says why, in words to show the answerer, and never contains their credential.
 */
public final class AnswerRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AnswerRefusedException(String message) {
    super(message);
  }

  public AnswerRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
