package dev.kubeguard.core.classify;


/**
 * What kube-apiserver's RequestInfoFactory reads from the query of a collection GET: whether it
 * is a watch, and whether a {@code metadata.name} field selector names a single object.
 *
 * <p>The server decodes the whole {@code ListOptions}; if any of it fails to decode (a bad
 * label or field selector, a non-integer {@code limit} or {@code timeoutSeconds}) it drops them
 * all and reads only {@code watch}. A name therefore comes from the field selector only when
 * everything decodes. Stateless and thread-safe.
 *
 * @param watch whether the request is a watch
 * @param name the object name a field selector demands, or {@code ""}
 */
record ListOptionsReading(boolean watch, String name) {

  static final String METADATA_NAME = "metadata.name";

  static ListOptionsReading of(QueryParameters q) throws ClassificationException {
    boolean watch = isWatch(q.first("watch"));
    if (q.isEmpty() || !decodes(q)) {
      return new ListOptionsReading(watch, "");
    }
    String selector = q.first("fieldSelector");
    String name = "";
    if (selector != null) {
      FieldSelector.Parsed parsed = FieldSelector.requiresExactMatch(selector, METADATA_NAME);
      String value = parsed.exactValue();
      if (value != null && KubeNameRules.isValidPathSegmentName(value)) {
        name = value;
      }
    }
    return new ListOptionsReading(watch, name);
  }

  /** Whether every ListOptions parameter that can fail to decode does decode. */
  private static boolean decodes(QueryParameters q) {
    String limit = q.first("limit");
    if (limit != null && !KubeNameRules.isInt64(limit)) {
      return false;
    }
    String timeout = q.first("timeoutSeconds");
    if (timeout != null && !KubeNameRules.isInt64(timeout)) {
      return false;
    }
    String labels = q.first("labelSelector");
    if (labels != null && !LabelSelectorSyntax.isValid(labels)) {
      return false;
    }
    String fields = q.first("fieldSelector");
    return fields == null || FieldSelector.requiresExactMatch(fields, METADATA_NAME).valid();
  }

  /**
   * Any first value but {@code 0} or {@code false} (any case) is a watch; a bare {@code ?watch}
   * too. The current server compares with Go's {@code EqualFold}, which also folds U+017F (long
   * s) to {@code s}; older servers and the decode-failure path lower-case instead, which does
   * not. Where the two readings differ the request is refused rather than guessed.
   */
  static boolean isWatch(String v) throws ClassificationException {
    if (v == null || v.equals("0")) {
      return false;
    }
    if (v.length() != 5) {
      return true;
    }
    boolean f = (v.charAt(0) | 0x20) == 'f';
    boolean a = (v.charAt(1) | 0x20) == 'a';
    boolean l = (v.charAt(2) | 0x20) == 'l';
    char sChar = v.charAt(3);
    boolean e = (v.charAt(4) | 0x20) == 'e';
    if (!(f && a && l && e)) {
      return true;
    }
    if ((sChar | 0x20) == 's') {
      return false;
    }
    if (sChar == '\u017F') {
      throw ClassificationException.badRequest(
          "bad request: watch=" + v + " is read as false by some kube-apiserver versions and as"
              + " true by others");
    }
    return true;
  }
}
