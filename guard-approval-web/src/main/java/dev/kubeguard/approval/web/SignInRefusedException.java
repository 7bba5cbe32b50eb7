package dev.kubeguard.approval.web;

/**
 * A bearer token that did not sign anyone in: {@code status} 401 when it proves no one, 403 when
 * it proves someone who may not see approvals. The message says why in words for the person
 * signing in and never contains the token.
 */
final class SignInRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;

  SignInRefusedException(int status, String message) {
    super(message);
    this.status = status;
  }
}
