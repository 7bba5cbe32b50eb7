package dev.kubeguard.approval.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import org.junit.jupiter.api.Test;

class HtmlTest {

  @Test
  void escapedTextNeverHoldsMarkupQuotesOrControlCharacters() {
    qt().forAll(strings().allPossible().ofLengthBetween(0, 64)).checkAssert(s -> {
      String e = Html.text(s);
      assertThat(e).doesNotContain("<", ">", "\"", "'");
      assertThat(e.replaceAll("&(amp|lt|gt|quot|#39);", "")).doesNotContain("&");
      assertThat(e.chars().filter(c -> (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)).isEmpty();
    });
  }

  @Test
  void escapedTextReadsBackAsTheOriginalWhenItHadNoControlCharacters() {
    qt().forAll(strings().basicLatinAlphabet().ofLengthBetween(0, 64)).checkAssert(s -> {
      String back = Html.text(s).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
          .replace("&amp;", "&");
      assertThat(back).isEqualTo(s.replaceAll("[\\x00-\\x08\\x0b-\\x1f\\x7f]", "\ufffd"));
    });
  }
}
