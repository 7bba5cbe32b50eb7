package dev.kubeguard.api.spi;

import dev.kubeguard.api.AccessRequest;
import java.util.Objects;

/**
 * What a masker knows about the response it is about to mask.
 *
 * @param profile the masking profile the decision named ({@code "default"}, {@code "none"}, or a
 *     user-defined one)
 * @param contentType the response's {@code Content-Type}, or {@code ""} when absent
 * @param request the request this is the response to
 */
public record MaskingContext(String profile, String contentType, AccessRequest request) {
  public MaskingContext {
    Objects.requireNonNull(profile, "profile");
    contentType = contentType == null ? "" : contentType;
    Objects.requireNonNull(request, "request");
  }
}
