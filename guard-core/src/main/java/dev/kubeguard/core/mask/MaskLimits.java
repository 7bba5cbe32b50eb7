package dev.kubeguard.core.mask;

/**
 * Bounds on what one masking stream may hold. Beyond them the stream fails closed (the body is
 * withheld), except an oversized embedded JSON string, which is masked whole, and held output,
 * which is then released as masked conservatively.
 *
 * @param maxHeldChars the longest JSON string, the most output (and input) a stream holds while
 *     it waits for an object's kind, and the longest log line held before it is cut at whitespace
 * @param maxDepth the deepest JSON nesting accepted
 * @param maxEmbeddedChars the longest string (in input bytes) parsed as embedded JSON
 */
record MaskLimits(int maxHeldChars, int maxDepth, int maxEmbeddedChars) {
  public MaskLimits {
    if (maxHeldChars < 4096) {
      throw new IllegalArgumentException("maxHeldBytes must be at least 4096, got " + maxHeldChars);
    }
    if (maxDepth < 16) {
      throw new IllegalArgumentException("maxDepth must be at least 16, got " + maxDepth);
    }
    if (maxEmbeddedChars < 1) {
      throw new IllegalArgumentException("maxEmbeddedChars must be positive");
    }
  }
}
