package dev.kubeguard.approval.kubernetes;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.List;

/**
 * A unified diff of two texts, by java-diff-utils (Myers). Stateless and thread-safe.
 */
final class TextDiff {

  /** Lines of context around each change, as {@code diff -u} shows. */
  private static final int CONTEXT = 3;

  private TextDiff() {}

  /** The unified diff of {@code before} to {@code after}, or {@code ""} when they are equal. */
  static String unified(String beforeName, List<String> before, String afterName, List<String> after) {
    Patch<String> patch = DiffUtils.diff(before, after);
    if (patch.getDeltas().isEmpty()) {
      return "";
    }
    List<String> lines = UnifiedDiffUtils.generateUnifiedDiff(beforeName, afterName, before, patch, CONTEXT);
    return String.join("\n", lines) + "\n";
  }
}
