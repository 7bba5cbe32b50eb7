package dev.kubeguard.core.mask;

/**
 * A field name as the masking rules read it, looked up once per distinct name per stream
 * ({@link SensitiveNames.Memo#field}) instead of once per occurrence: which structural name it is
 * (an int to switch on, instead of comparing strings at every field of every object) and, worked
 * out on first need, whether it looks sensitive. Names are keys, not secret values. Not
 * thread-safe: it belongs to one stream's memo.
 */
final class FieldName {

  // The names the rules give a structural meaning to.
  static final int OTHER = 0;
  static final int KIND = 1;
  static final int DATA = 2;
  static final int STRING_DATA = 3;
  static final int BINARY_DATA = 4;
  static final int ITEMS = 5;
  static final int ROWS = 6;
  static final int OBJECT = 7;
  static final int METADATA = 8;
  static final int ANNOTATIONS = 9;
  static final int NAME = 10;
  static final int VALUE = 11;
  static final int ENV = 12;
  /** Fields holding JSON schemas (CRDs, OpenAPI): property names there describe, not hold. */
  static final int SCHEMA = 13;

  final String name;
  final int code;
  private final SensitiveNames names;
  private byte fieldSensitivity = -1;
  private byte sensitive = -1;

  FieldName(String name, SensitiveNames names) {
    this.name = name;
    this.code = codeOf(name);
    this.names = names;
  }

  /** {@link SensitiveNames#fieldSensitivity} of this name, computed once. */
  int fieldSensitivity() {
    if (fieldSensitivity < 0) {
      fieldSensitivity = (byte) names.fieldSensitivity(name);
    }
    return fieldSensitivity;
  }

  /** {@link SensitiveNames#isSensitive} of this name (as a ConfigMap key), computed once. */
  boolean sensitive() {
    if (sensitive < 0) {
      sensitive = (byte) (names.isSensitive(name) ? 1 : 0);
    }
    return sensitive == 1;
  }

  private static int codeOf(String n) {
    return switch (n) {
      case "kind" -> KIND;
      case "data" -> DATA;
      case "stringData" -> STRING_DATA;
      case "binaryData" -> BINARY_DATA;
      case "items" -> ITEMS;
      case "rows" -> ROWS;
      case "object" -> OBJECT;
      case "metadata" -> METADATA;
      case "annotations" -> ANNOTATIONS;
      case "name" -> NAME;
      case "value" -> VALUE;
      case "env" -> ENV;
      case "openAPIV3Schema", "definitions", "schemas" -> SCHEMA;
      default -> OTHER;
    };
  }
}
