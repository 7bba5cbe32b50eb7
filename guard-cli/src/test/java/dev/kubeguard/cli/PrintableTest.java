package dev.kubeguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import org.junit.jupiter.api.Test;

/** Whatever an object holds, what the CLI prints from it carries no control or format character. */
class PrintableTest {

  private static boolean hidden(int c) {
    return Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || c == '\u2028' || c == '\u2029';
  }

  @Test
  void aLineNeverCarriesAControlOrFormatCharacterNorALineBreak() {
    qt().withExamples(2000).forAll(strings().allPossible().ofLengthBetween(0, 40))
        .checkAssert(s -> assertThat(Printable.line(s).codePoints().filter(PrintableTest::hidden).count()).isZero());
  }

  @Test
  void aBlockKeepsOnlyLineBreaksAndTabs() {
    qt().withExamples(2000).forAll(strings().allPossible().ofLengthBetween(0, 40))
        .checkAssert(s -> assertThat(Printable.block(s).codePoints().filter(c -> c != '\n' && c != '\t')
            .filter(PrintableTest::hidden).count()).isZero());
  }

  @Test
  void printableTextIsLeftAlone() {
    qt().withExamples(1000).forAll(strings().basicLatinAlphabet().ofLengthBetween(0, 40))
        .assuming(s -> s.codePoints().noneMatch(PrintableTest::hidden))
        .checkAssert(s -> {
          assertThat(Printable.line(s)).isEqualTo(s);
          assertThat(Printable.block(s)).isEqualTo(s);
        });
    assertThat(Printable.line("grüße, 名前 ✓")).isEqualTo("grüße, 名前 ✓");
  }

  @Test
  void crlfIsALineEndButALoneCarriageReturnIsNot() {
    assertThat(Printable.block("a\r\nb\rc")).isEqualTo("a\nb?c");
    assertThat(Printable.line("a\r\nb")).isEqualTo("a  b");
  }
}
