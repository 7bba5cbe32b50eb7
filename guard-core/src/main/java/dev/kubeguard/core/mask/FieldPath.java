package dev.kubeguard.core.mask;

import java.util.List;

/**
 * Renders a path into a Kubernetes object as kube-apiserver's field errors name it:
 * {@code data.password}, {@code spec.containers[0].env[1].value}, and keys that are not plain
 * words in brackets, {@code metadata.annotations[kubectl.kubernetes.io/last-applied-configuration]}.
 * Stateless.
 */
final class FieldPath {

  private FieldPath() {}

  /** The path of {@code segments}: {@link String} keys and {@link Integer} list indexes. */
  static String of(List<Object> segments) {
    StringBuilder b = new StringBuilder();
    for (Object s : segments) {
      if (s instanceof Integer i) {
        b.append('[').append(i).append(']');
      } else {
        String key = String.valueOf(s);
        if (isWord(key)) {
          if (b.length() > 0) {
            b.append('.');
          }
          b.append(key);
        } else {
          b.append('[').append(key).append(']');
        }
      }
    }
    return b.toString();
  }

  private static boolean isWord(String key) {
    if (key.isEmpty()) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }
}
