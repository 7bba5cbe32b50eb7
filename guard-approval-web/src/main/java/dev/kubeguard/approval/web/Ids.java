package dev.kubeguard.approval.web;

import java.util.regex.Pattern;

/** Approval ids as they may appear in a path: Kubernetes object names (DNS-1123 subdomains). */
final class Ids {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  private Ids() {}

  static boolean valid(String id) {
    return id != null && NAME.matcher(id).matches();
  }

  static String problem() {
    return "not an approval id: ids are Kubernetes object names (lower-case letters, digits, '-' and '.'), such as apr-0123456789abcdef-1";
  }
}
