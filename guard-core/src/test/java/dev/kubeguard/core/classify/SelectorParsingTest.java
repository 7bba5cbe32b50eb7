package dev.kubeguard.core.classify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Label and field selector parsing as apimachinery's labels.Parse and fields.ParseSelector. */
class SelectorParsingTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "", "x=a,y=b,z=c", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x==a", "x in (a)", "x in (a,b,c)",
      "x notin (a)", "x in (,a)", "x in ()", "x in (a,)", "x in (a,,b)", "!x", "x>1", "x<0",
      "example.com/x=a", "x", " x ", "x,y", "in in (in)", "x=a \u0000 !!!", "a,\u0000b"})
  void acceptsWhatLabelsParseAccepts(String selector) {
    assertThat(LabelSelectorSyntax.isValid(selector)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "x=a||y=b", "x==a==b", "!x=a", "x<a", "x>1.5", "x in (a,b", "x in a", "=x", "x=a b",
      "x,", ",x", "x=a,", "-x=a", "x=-a", "X/y=a", "/x", "a/b/c", "x=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "x notin", "x>", "x in (a)(b)", "x=é", "a, \u0000b", "x>-5", "x<-0"})
  void rejectsWhatLabelsParseRejects(String selector) {
    assertThat(LabelSelectorSyntax.isValid(selector)).isFalse();
  }

  @Test
  void fieldSelectorTakesTheFirstExactTermInSortedOrder() {
    assertThat(FieldSelector.requiresExactMatch("metadata.name=b,metadata.name=a", "metadata.name"))
        .isEqualTo(new FieldSelector.Parsed(true, "a"));
    assertThat(FieldSelector.requiresExactMatch("metadata.name!=a,metadata.name==b", "metadata.name"))
        .isEqualTo(new FieldSelector.Parsed(true, "b"));
    assertThat(FieldSelector.requiresExactMatch("x=a\\,b", "x"))
        .isEqualTo(new FieldSelector.Parsed(true, "a,b"));
    assertThat(FieldSelector.requiresExactMatch("metadata.name =a", "metadata.name"))
        .isEqualTo(new FieldSelector.Parsed(true, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"x", "x=a=b", "x=a\\", "x=a\\b", "a,b=c", "x=a,y"})
  void fieldSelectorRejectsWhatParseSelectorRejects(String selector) {
    assertThat(FieldSelector.requiresExactMatch(selector, "x").valid()).isFalse();
  }

  @Test
  void int64ParsingFollowsStrconv() {
    assertThat(KubeNameRules.isInt64("9223372036854775807")).isTrue();
    assertThat(KubeNameRules.isInt64("9223372036854775808")).isFalse();
    assertThat(KubeNameRules.isInt64("-9223372036854775808")).isTrue();
    assertThat(KubeNameRules.isInt64("+000000000000000000000001")).isTrue();
    assertThat(KubeNameRules.isInt64("")).isFalse();
    assertThat(KubeNameRules.isInt64("-")).isFalse();
    assertThat(KubeNameRules.isInt64("1_000")).isFalse();
    assertThat(KubeNameRules.isInt64("٣")).isFalse();
  }
}
