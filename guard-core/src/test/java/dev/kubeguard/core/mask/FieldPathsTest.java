package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FieldPathsTest {

  @Test
  void splitsOnDotsAndKeepsBracketedSegmentsWhole() {
    assertThat(FieldPaths.parse("metadata.annotations[example.com/secret]"))
        .containsExactly("metadata", "annotations", "example.com/secret");
    assertThat(FieldPaths.parse("[a.b].c")).containsExactly("a.b", "c");
    assertThat(FieldPaths.parse("spec.*.token")).containsExactly("spec", "*", "token");
  }

  @Test
  void rejectsMalformedPaths() {
    for (String bad : List.of("", "a..b", "a.", ".a", "a[b", "a[]", "a[b]c")) {
      assertThatThrownBy(() -> FieldPaths.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void trieMatchesExactFieldsAndWildcards() {
    FieldPaths.Node root = FieldPaths.trie(List.of(List.of("status", "token"), List.of("spec", "*", "key")));
    assertThat(root.child("status").child("token").terminal()).isTrue();
    assertThat(root.child("status").child("other")).isNull();
    assertThat(root.child("spec").child("anything").child("key").terminal()).isTrue();
    assertThat(root.child("metadata")).isNull();
    assertThat(FieldPaths.trie(List.of())).isNull();
  }
}
