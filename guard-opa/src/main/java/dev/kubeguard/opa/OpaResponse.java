package dev.kubeguard.opa;

import java.util.Arrays;

/**
 * OPA's answer as a transport received it: the HTTP status and the raw body bytes.
 *
 * <p>Immutable and thread-safe: the body is copied in and out. {@link #toString()} prints the
 * length only.
 *
 * @param status the HTTP status code (200 for an evaluated query, undefined included)
 * @param body the response body, empty when there is none
 */
public record OpaResponse(int status, byte[] body) {

  public OpaResponse {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("HTTP status must be a three-digit code, got " + status);
    }
    body = body == null ? new byte[0] : body.clone();
  }

  /** A copy of the body. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OpaResponse r && status == r.status && Arrays.equals(body, r.body);
  }

  @Override
  public int hashCode() {
    return 31 * status + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "OpaResponse[" + status + ", body=" + body.length + " bytes]";
  }
}
