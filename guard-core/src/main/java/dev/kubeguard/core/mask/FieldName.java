package dev.kubeguard.core.mask;

/**
 * A field name as the masking rules read it, worked out once per distinct name per masker
 * ({@link SensitiveNames#field}) instead of at every occurrence: which structural name it is (an
 * int to switch on, instead of comparing strings at every field of every object) and whether it
 * looks sensitive. Names are keys, not secret values. Immutable and thread-safe.
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
  private final int fieldSensitivity;
  private final boolean sensitive;

  FieldName(String name, SensitiveNames names) {
    this.name = name;
    this.code = codeOf(name);
    this.fieldSensitivity = names.fieldSensitivity(name);
    this.sensitive = names.isSensitive(name);
  }

  /** {@link SensitiveNames#fieldSensitivity} of this name. */
  int fieldSensitivity() {
    return fieldSensitivity;
  }

  /** {@link SensitiveNames#isSensitive} of this name (as a ConfigMap key). */
  boolean sensitive() {
    return sensitive;
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
