package dev.kubeguard.core.mask;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * {@link JsonScanner} takes over from Jackson's {@code NonBlockingJsonParser} in the masker, so it
 * must tokenize as Jackson did, configured as the masker configured it: the same tokens, ending
 * at the same offsets (the masker splices its output there), with the same text (names decide
 * what is masked), and the same verdict (a body Jackson refused was never passed on; one the
 * scanner accepted where Jackson refused would be). Each property holds the scanner, fed in random
 * chunks, against Jackson on the same bytes.
 *
 * <p>Jackson is fed each input whole, in one piece: its non-blocking parser's verdict depends in
 * places on where chunks end ({@code {"a":1,}} passes when the comma ends a chunk, a BOM after a
 * space passes at one byte a chunk), and the scanner must not copy that.
 *
 * <p>On valid UTF-8 the scanner accepts exactly what Jackson accepts (but for two inputs it
 * refuses on purpose, {@link #stricterOnPurpose}), with the same tokens; where
 * both refuse, the tokens it gave first are Jackson's first ones (it may stop sooner, never later:
 * what it gave was acted on). Beyond valid UTF-8 Jackson decodes overlong forms and code points
 * above U+10FFFF into text a client may read otherwise; there the scanner may refuse more, but
 * never accept what Jackson refused, and where both accept their tokens are the same. Jackson's
 * offsets leave out a byte-order mark at the start, and the masker splices by the scanner's,
 * which count it: the oracle counts it too.
 *
 * <p>The scanner is also driven as the masker drives it, its input copied into a new array each
 * time from where it says it resumes, the old array spoiled, which a scanner reading a stale
 * window would trip on.
 *
 * <p>A failure names the input QuickTheories found and the smallest one, cut down from it a byte
 * run at a time, that shows the same difference; its random shrinking of some thousand draws does
 * not get near that, so it is not used.
 */
class JsonScannerDifferentialTest {

  private static final long SEED = 20_260_514L;
  /** What a spoiled window is filled with: a quote, so stale bytes still look like JSON. */
  private static final byte GARBAGE = '"';
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final String MARKER = "SECRETzz9";
  /** {@code StreamReadConstraints}' default, in bytes of the name's UTF-8; the masker kept it. */
  private static final int JACKSON_MAX_NAME_BYTES = 50_000;

  // ---- properties

  @Test
  void validJsonGivesJacksonsTokensAtAnyChunking() {
    theory(2500)
        .forAll(validJson(), feeding(false))
        .checkAssert((json, feeding) -> {
          // the generator's own check: JSON Jackson refuses would test nothing here
          Run jackson = jackson(json);
          assertThat(jackson.stop()).as("Jackson on %s: %s", json, jackson.error()).isEqualTo(Stop.END);
          assertAgrees(json, feeding);
        });
  }

  @Test
  void nearJsonGetsJacksonsVerdictAndTokens() {
    theory(20000)
        .forAll(nearJson(), feeding(false))
        .checkAssert(JsonScannerDifferentialTest::assertAgrees);
  }

  @Test
  void aStringOfTheLimitPassesAndOneCharMoreIsRefusedByBoth() {
    theory(800)
        .forAll(stringAtTheLimit(), feeding(false))
        .checkAssert(JsonScannerDifferentialTest::assertLimit);
  }

  @Test
  void aFieldNameIsHeldToJacksonsNameLimitNotToTheStringLimit() {
    theory(150)
        .forAll(nameAtTheLimit(), feeding(false))
        .checkAssert(JsonScannerDifferentialTest::assertLimit);
  }

  @Test
  void nestingToTheLimitPassesAndOneLevelDeeperIsRefusedByBoth() {
    theory(500)
        .forAll(nestingAtTheLimit(), feeding(false))
        .checkAssert(JsonScannerDifferentialTest::assertLimit);
  }

  @Test
  void aWindowMovedToANewArrayAtEveryStepGivesTheSameTokens() {
    theory(4000)
        .forAll(validJson().mix(nearJson()), feeding(true))
        .checkAssert(JsonScannerDifferentialTest::assertAgrees);
  }

  @Test
  void errorMessagesNeverQuoteTheInput() {
    AtomicInteger tried = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    theory(4000)
        .forAll(markedJson(), feeding(false))
        .checkAssert((json, feeding) -> {
          tried.incrementAndGet();
          Run run = scanner(json, feeding);
          assertThat(run.stop()).as("%s, %s: %s", json, feeding, run.error()).isIn(Stop.END, Stop.FAILED);
          if (run.stop() == Stop.FAILED) {
            refused.incrementAndGet();
            for (Throwable e = run.error(); e != null; e = e.getCause()) {
              assertThat(quotedMarker(e.getMessage())).as("%s says %s", json, e).isNull();
            }
          }
        });
    // marked inputs the scanner accepts say nothing about its messages
    assertThat(refused.get()).as("refused of %s", tried.get()).isGreaterThan(tried.get() / 2);
  }

  /** QuickTheories from the fixed seed, without its shrinking (see the class comment). */
  private static QuickTheory theory(int examples) {
    return qt().withFixedSeed(SEED).withExamples(examples).withShrinkCycles(0);
  }

  // ---- the two drivers

  /** One token: its code (Jackson's mapped to the scanner's), where it ends, and its text. */
  private record Tok(int code, long end, String text) {
    private static final String[] NAMES = {
      "?", "START_OBJECT", "END_OBJECT", "START_ARRAY", "END_ARRAY", "FIELD_NAME",
      "STRING", "NUMBER_INT", "NUMBER_FLOAT", "TRUE", "FALSE", "NULL"
    };

    static String name(int code) {
      return code > 0 && code < NAMES.length ? NAMES[code] : "code " + code;
    }

    @Override
    public String toString() {
      return name(code) + " @" + end + (text == null ? "" : " " + javaString(text));
    }
  }

  /**
   * How a run stopped: the input's end reached, an IOException, another exception, no progress,
   * or the scanner broke its contract with the masker.
   */
  private enum Stop { END, FAILED, CRASHED, STUCK, BROKE }

  /** What a parser made of an input: the tokens it gave, then how it stopped. */
  private record Run(List<Tok> tokens, Stop stop, Throwable error) {

    /** One token a line, then the stop. */
    String transcript() {
      StringBuilder s = new StringBuilder();
      for (Tok t : tokens) {
        s.append(t).append('\n');
      }
      s.append(stop);
      if (error != null) {
        s.append(' ').append(error);
        if (stop == Stop.CRASHED) {
          StackTraceElement[] at = error.getStackTrace();
          for (int i = 0; i < Math.min(4, at.length); i++) {
            s.append("\n  at ").append(at[i]);
          }
        }
      }
      return s.toString();
    }
  }

  private static final Map<Long, OffsetJsonFactory> FACTORIES = new ConcurrentHashMap<>();

  /** Jackson as the masker built it, with the same two limits the scanner is given. */
  private static OffsetJsonFactory factory(int maxString, int maxDepth) {
    return FACTORIES.computeIfAbsent(((long) maxString << 32) | maxDepth, k -> new OffsetJsonFactory(
        new JsonFactoryBuilder().streamReadConstraints(
            StreamReadConstraints.builder().maxStringLength(maxString).maxNestingDepth(maxDepth).build())));
  }

  /** Jackson's non-blocking parser, fed the whole input at once (see the class comment). */
  private static Run jackson(Json json) {
    List<Tok> tokens = new ArrayList<>();
    try (OffsetJsonFactory.Parser p = factory(json.maxString(), json.maxDepth()).createOffsetParser()) {
      if (json.bytes().length > 0) {
        p.feedInput(json.bytes(), 0, json.bytes().length);
      }
      boolean ended = false;
      for (JsonToken t; (t = p.nextToken()) != null; ) {
        if (t == JsonToken.NOT_AVAILABLE) {
          if (ended) {
            return new Run(tokens, Stop.STUCK, null);
          }
          p.endOfInput();
          ended = true;
          continue;
        }
        int code = code(t);
        String text = switch (code) {
          case JsonScanner.FIELD_NAME -> p.currentName();
          case JsonScanner.STRING -> p.getText(); // which applies the string limit
          // not getText(): that would hold numbers to the string limit too, which the masker
          // never asked of Jackson for a number it passed through
          case JsonScanner.NUMBER_INT, JsonScanner.NUMBER_FLOAT ->
              new String(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
          default -> null;
        };
        tokens.add(new Tok(code, p.tokenEnd(), text));
      }
      return new Run(tokens, Stop.END, null);
    } catch (IOException e) {
      return new Run(tokens, Stop.FAILED, e);
    } catch (RuntimeException | StackOverflowError e) {
      return new Run(tokens, Stop.CRASHED, e);
    }
  }

  private static int code(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> JsonScanner.START_OBJECT;
      case END_OBJECT -> JsonScanner.END_OBJECT;
      case START_ARRAY -> JsonScanner.START_ARRAY;
      case END_ARRAY -> JsonScanner.END_ARRAY;
      case FIELD_NAME -> JsonScanner.FIELD_NAME;
      case VALUE_STRING -> JsonScanner.STRING;
      case VALUE_NUMBER_INT -> JsonScanner.NUMBER_INT;
      case VALUE_NUMBER_FLOAT -> JsonScanner.NUMBER_FLOAT;
      case VALUE_TRUE -> JsonScanner.TRUE;
      case VALUE_FALSE -> JsonScanner.FALSE;
      case VALUE_NULL -> JsonScanner.NULL;
      default -> throw new AssertionError("Jackson gave " + t);
    };
  }

  /**
   * The scanner, fed as {@code feeding} says. Stops with {@link Stop#BROKE} where it breaks what
   * the masker relies on: {@code resumeFrom()} never moves back, never past the current token's
   * end nor past the input given, and {@code text()} is the token's chars.
   */
  private static Run scanner(Json json, Feeding feeding) {
    List<Tok> tokens = new ArrayList<>();
    Window window = new Window(json.bytes(), feeding);
    long resume = 0;
    boolean ended = false;
    try {
      JsonScanner s = new JsonScanner(json.maxString(), json.maxDepth());
      while (true) {
        int t = s.next();
        long r = s.resumeFrom();
        if (r < resume) {
          return broke(tokens, "resumeFrom() moved back: " + r + " after " + resume);
        }
        resume = r;
        if (t == JsonScanner.END) {
          return new Run(tokens, Stop.END, null);
        }
        if (t == JsonScanner.NOT_AVAILABLE) {
          // a token takes a byte at least, so more tokens than bytes is a loop
          if (ended || tokens.size() > json.bytes().length) {
            return new Run(tokens, Stop.STUCK, null);
          }
          if (r > window.arrived) {
            return broke(tokens, "resumeFrom() is past the input given: " + r + " > " + window.arrived);
          }
          if (window.arrived == json.bytes().length) {
            s.endOfInput();
            ended = true;
          } else {
            window.more(s, r);
          }
          continue;
        }
        long end = s.tokenEnd();
        if (r > end) {
          return broke(tokens, "resumeFrom() is past the token's end: " + r + " > " + end);
        }
        String text = null;
        if (t == JsonScanner.FIELD_NAME || t == JsonScanner.STRING
            || t == JsonScanner.NUMBER_INT || t == JsonScanner.NUMBER_FLOAT) {
          text = new String(s.textChars(), 0, s.textLength());
          if (!text.equals(s.text())) {
            return broke(tokens, "text() is not textChars(): " + javaString(s.text()) + " for " + javaString(text));
          }
        }
        tokens.add(new Tok(t, end, text));
        if (!ended) {
          window.maybeMove(s, r);
        }
      }
    } catch (IOException e) {
      return new Run(tokens, Stop.FAILED, e);
    } catch (RuntimeException | StackOverflowError e) {
      return new Run(tokens, Stop.CRASHED, e);
    }
  }

  private static Run broke(List<Tok> tokens, String what) {
    return new Run(tokens, Stop.BROKE, new AssertionError(what));
  }

  /** How the scanner is fed: chunks of 1..maxChunk bytes, and whether its window moves. */
  private record Feeding(long seed, int maxChunk, boolean moving) {
    @Override
    public String toString() {
      return "chunks of 1.." + maxChunk + " bytes from seed " + seed + (moving ? ", the window moving" : "");
    }
  }

  /**
   * The scanner's input as the masker hands it over. Fixed: one array holding the whole input,
   * the length given growing. Moving: after each NOT_AVAILABLE, and now and then after a token, a
   * new array from {@code resumeFrom()} or earlier, with spare bytes past its length; the old
   * array is spoiled before it is dropped.
   */
  private static final class Window {
    private final byte[] input;
    private final Feeding feeding;
    private final Random random;
    private byte[] array;
    long arrived;

    Window(byte[] input, Feeding feeding) {
      this.input = input;
      this.feeding = feeding;
      this.random = new Random(feeding.seed());
    }

    void more(JsonScanner s, long resume) {
      arrived += Math.min(input.length - arrived, 1 + random.nextInt(feeding.maxChunk()));
      if (feeding.moving()) {
        move(s, resume);
      } else {
        s.input(input, 0, (int) arrived);
      }
    }

    /** The contract allows a new window at any time, not only when the scanner asks for input. */
    void maybeMove(JsonScanner s, long resume) {
      if (feeding.moving() && random.nextInt(8) == 0) {
        move(s, resume);
      }
    }

    private void move(JsonScanner s, long resume) {
      long from = switch (random.nextInt(4)) {
        case 0 -> random.nextLong(resume + 1); // any earlier offset
        case 1 -> resume - random.nextInt((int) Math.min(resume, 16) + 1);
        default -> resume; // what the masker keeps: no more than asked for
      };
      int length = (int) (arrived - from);
      byte[] next = new byte[length + random.nextInt(9)];
      Arrays.fill(next, GARBAGE);
      System.arraycopy(input, (int) from, next, 0, length);
      if (array != null) {
        Arrays.fill(array, GARBAGE);
      }
      array = next;
      s.input(next, from, length);
    }
  }

  // ---- what is compared

  /** An input and the two limits both parsers are given. */
  private record Json(byte[] bytes, int maxString, int maxDepth) {
    @Override
    public String toString() {
      return literal(bytes) + " (maxStringLength " + maxString + ", maxDepth " + maxDepth + ")";
    }
  }

  /**
   * Jackson's run, its offsets after a byte-order mark at the start counting the mark, and a
   * number's text as written: Jackson's text for {@code -0} is {@code 0}.
   */
  private static Run oracle(Json json) {
    Run jackson = jackson(json);
    byte[] in = json.bytes();
    int shift = Arrays.equals(in, 0, Math.min(3, in.length), BOM, 0, 3) ? BOM.length : 0;
    List<Tok> counted = new ArrayList<>();
    for (Tok t : jackson.tokens()) {
      long end = t.end() + shift;
      String text = t.text();
      boolean number = t.code() == JsonScanner.NUMBER_INT || t.code() == JsonScanner.NUMBER_FLOAT;
      if (number && "0".equals(text) && end >= 2 && end <= in.length && in[(int) end - 2] == '-') {
        text = "-0";
      }
      counted.add(new Tok(t.code(), end, text));
    }
    return new Run(counted, jackson.stop(), jackson.error());
  }

  /**
   * Where the scanner refuses on purpose what Jackson takes: a number cut at the very end
   * ({@code 1.}, {@code 1e+}, which Jackson's end-of-input path completes), and a second
   * byte-order mark.
   */
  private static boolean stricterOnPurpose(Json json, Run jackson) {
    byte[] in = json.bytes();
    if (in.length >= 6 && Arrays.equals(in, 3, 6, BOM, 0, 3) && Arrays.equals(in, 0, 3, BOM, 0, 3)) {
      return true;
    }
    if (jackson.stop() != Stop.END || in.length == 0 || jackson.tokens().isEmpty()) {
      return false;
    }
    Tok last = jackson.tokens().get(jackson.tokens().size() - 1);
    byte b = in[in.length - 1];
    return last.code() == JsonScanner.NUMBER_FLOAT && last.end() == in.length
        && (b == '.' || b == 'e' || b == 'E' || b == '+' || b == '-');
  }

  private static void assertAgrees(Json json, Feeding feeding) {
    String difference = difference(json, feeding);
    if (difference != null) {
      Json smallest = smallest(json, feeding, difference);
      fail("%s on %s, %s.%nThe smallest input with that difference: %s%nJackson:%n%s%nthe scanner:%n%s",
          difference, json, feeding, smallest, oracle(smallest).transcript(), scanner(smallest, feeding).transcript());
    }
  }

  /**
   * How the scanner's run departs from what the class comment allows, in words that name no
   * offset nor text, so that a smaller input can be checked for the same difference; null if it
   * does not.
   */
  private static String difference(Json json, Feeding feeding) {
    Run jackson = oracle(json);
    Run scanner = scanner(json, feeding);
    List<Tok> j = jackson.tokens();
    List<Tok> s = scanner.tokens();
    int i = 0;
    while (i < j.size() && i < s.size() && j.get(i).equals(s.get(i))) {
      i++;
    }
    boolean allowed;
    if (scanner.stop() == Stop.FAILED && i == s.size() && stricterOnPurpose(json, jackson)) {
      allowed = true;
    } else if (scanner.stop() == Stop.END || (jackson.stop() == Stop.END && validUtf8(json.bytes()))) {
      allowed = i == j.size() && i == s.size() && jackson.stop() == scanner.stop();
    } else {
      // failing after a prefix of Jackson's tokens
      allowed = scanner.stop() == Stop.FAILED && i == s.size();
    }
    return allowed ? null : "Jackson " + at(jackson, i, scanner, false) + " where the scanner " + at(scanner, i, jackson, true);
  }

  /** What a run did at token {@code i}: the scanner's errors, never quoting input, are named. */
  private static String at(Run run, int i, Run other, boolean scanner) {
    if (i < run.tokens().size()) {
      Tok t = run.tokens().get(i);
      Tok o = i < other.tokens().size() ? other.tokens().get(i) : null;
      String how = o == null || o.code() != t.code() ? "" : o.end() != t.end() ? " ending elsewhere" : " with other text";
      return "gave " + Tok.name(t.code()) + how;
    }
    String why = run.error() == null ? "" : run.error().getMessage();
    return switch (run.stop()) {
      case END -> "ended";
      case FAILED -> scanner ? "failed: " + why : "failed";
      case CRASHED -> "crashed: " + run.error().getClass().getName();
      case STUCK -> "made no progress";
      case BROKE -> "broke its contract: " + why.substring(0, why.indexOf(':'));
    };
  }

  /**
   * The input cut down while it still shows the same difference (Zeller's ddmin): one run of its
   * bytes kept alone, or taken out, the runs halving down to single bytes; within a time bound.
   */
  private static Json smallest(Json json, Feeding feeding, String difference) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    byte[] b = json.bytes();
    int parts = 2;
    int before = b.length + 1; // the length when the runs were last as long as they get
    while (b.length > 0 && System.nanoTime() < deadline) {
      int run = (b.length + parts - 1) / parts;
      byte[] cut = null;
      for (int from = 0; from < b.length && cut == null; from += run) {
        int to = Math.min(b.length, from + run);
        byte[] alone = Arrays.copyOfRange(b, from, to);
        byte[] without = concat(Arrays.copyOf(b, from), Arrays.copyOfRange(b, to, b.length));
        if (sameDifference(json, alone, feeding, difference)) {
          cut = alone;
          parts = 2;
        } else if (sameDifference(json, without, feeding, difference)) {
          cut = without;
          parts = Math.max(parts - 1, 2);
        }
      }
      if (cut != null) {
        b = cut;
      } else if (run == 1) {
        // single bytes are done with; longer runs may go now that the input is shorter
        if (b.length == before) {
          break;
        }
        before = b.length;
        parts = 2;
      } else {
        parts = Math.min(b.length, parts * 2);
      }
    }
    return new Json(b, json.maxString(), json.maxDepth());
  }

  private static boolean sameDifference(Json json, byte[] b, Feeding feeding, String difference) {
    return difference.equals(difference(new Json(b, json.maxString(), json.maxDepth()), feeding));
  }

  /** A value at a limit or just either side of it, and which side. */
  private record Limited(Json json, boolean over) {
    @Override
    public String toString() {
      return json + (over ? ", over the limit" : ", within the limit");
    }
  }

  private static void assertLimit(Limited limited, Feeding feeding) {
    assertAgrees(limited.json(), feeding);
    // agreeing is not enough: both could be wrong about the limit
    Run scanner = scanner(limited.json(), feeding);
    assertThat(scanner.stop()).as("%s, %s", limited, feeding).isEqualTo(limited.over() ? Stop.FAILED : Stop.END);
  }

  private static boolean validUtf8(byte[] b) {
    try {
      UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Four characters of the marker in a row, or null: a message quoting the input would show some. */
  private static String quotedMarker(String message) {
    for (int i = 0; message != null && i + 4 <= MARKER.length(); i++) {
      if (message.contains(MARKER.substring(i, i + 4))) {
        return MARKER.substring(i, i + 4);
      }
    }
    return null;
  }

  // ---- generators

  /** Choices drawn from QuickTheories' randomness, which its fixed seed makes reproducible. */
  private record Draw(RandomnessSource in) {
    int between(int lo, int hi) {
      return (int) in.next(Constraint.between(lo, hi));
    }

    /** True about once in {@code n}. */
    boolean rarely(int n) {
      return between(1, n) == n;
    }

    <T> T pick(List<T> options) {
      return options.get(between(0, options.size() - 1));
    }
  }

  private static Gen<Feeding> feeding(boolean moving) {
    return in -> {
      Draw d = new Draw(in);
      // mostly small chunks, where boundaries fall inside tokens; now and then nearly whole
      int maxChunk = d.rarely(5) ? d.between(1, 4096) : d.between(1, 16);
      return new Feeding(in.next(Constraint.none()), maxChunk, moving);
    };
  }

  /** Documents within both limits, and sequences of them as a watch stream sends them. */
  private static Gen<Json> validJson() {
    return in -> {
      Draw d = new Draw(in);
      int maxString = d.rarely(4) ? d.between(1, 8) : d.between(1, 300);
      int maxDepth = d.between(1, 40);
      JsonWriter w = new JsonWriter(d, maxString, maxDepth, d.between(0, 3000));
      w.rootValues();
      return new Json(w.bytes(), maxString, maxDepth);
    };
  }

  /** Fragments of JSON and junk back to back, or a document with a few bytes spoiled. */
  private static Gen<Json> nearJson() {
    return in -> {
      Draw d = new Draw(in);
      int maxString = d.between(4, 64);
      int maxDepth = d.between(1, 8);
      JsonWriter w = new JsonWriter(d, maxString, maxDepth, 400);
      return new Json(d.rarely(3) ? mutated(d, w) : fragments(d, w), maxString, maxDepth);
    };
  }

  /** Near-JSON with the marker put where a careless error message would quote it. */
  private static Gen<Json> markedJson() {
    return in -> {
      Draw d = new Draw(in);
      int maxString = d.between(4, 64);
      JsonWriter w = new JsonWriter(d, maxString, 6, 300);
      byte[] base = d.rarely(2) ? fragments(d, w) : mutated(d, w);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int at = d.between(0, base.length);
      out.write(base, 0, at);
      String marked = d.pick(MARKED).replace("M", MARKER);
      if (marked.contains("L")) {
        // a string over the limit, the marker in its middle
        marked = marked.replace("L", "a".repeat(maxString));
      }
      out.writeBytes(marked.getBytes(UTF_8));
      out.write(base, at, base.length - at);
      return new Json(out.toByteArray(), maxString, 6);
    };
  }

  /** Where the marker goes (M); L is filler taking a string over the limit. */
  private static final List<String> MARKED = List.of(
      "M", "\"M", "M\"", "\"M\"", "tM", "trueM", "nullM", "fM", "1M", "-M", "1.M", "1eM", "0M",
      "{M:1}", "{\"M\"}", "{\"M\" 1}", "[\"M\" 1]", "[M]", "\"M\\q\"", "\"\\uM\"", "\"M\u0001\"",
      "\"M\u007f\\", "\"LM\"", "{\"LM\":1}", "{\"a\":M}", "\"M\"M", "'M'", "/*M*/", "//M\n",
      "\"M\u00c0\"", "NaNM", "InfinityM", "\uFEFFM");

  /** A string of the limit in chars, one less or one more, of every kind of char and escape. */
  private static Gen<Limited> stringAtTheLimit() {
    return in -> {
      Draw d = new Draw(in);
      // either side of Jackson's first text buffer segments (200 chars, then growing by half)
      int limit = switch (d.between(0, 3)) {
        case 0 -> d.between(1, 16);
        case 1 -> d.between(190, 210);
        case 2 -> d.between(290, 310);
        default -> d.between(1, 3000);
      };
      int length = Math.max(0, limit + d.between(-1, 1));
      JsonWriter w = new JsonWriter(d, limit, 8, 200);
      w.around(depth -> w.quoted(length, false, false));
      return new Limited(new Json(w.bytes(), limit, 8), length > limit);
    };
  }

  /** A name past the string limit, or either side of Jackson's name limit in UTF-8 bytes. */
  private static Gen<Limited> nameAtTheLimit() {
    return in -> {
      Draw d = new Draw(in);
      int maxString = d.between(1, 16);
      JsonWriter w = new JsonWriter(d, maxString, 8, 200);
      boolean longest = d.rarely(3);
      // the string limit holds no name
      int length = longest ? JACKSON_MAX_NAME_BYTES + d.between(-1, 1) : maxString + d.between(1, 3);
      w.around(depth -> {
        w.put("{");
        w.quoted(length, longest, true);
        w.put(":1}");
      });
      return new Limited(new Json(w.bytes(), maxString, 8), length > JACKSON_MAX_NAME_BYTES);
    };
  }

  /** Arrays and objects nested to the limit, one level less or one more. */
  private static Gen<Limited> nestingAtTheLimit() {
    return in -> {
      Draw d = new Draw(in);
      int limit = d.rarely(6) ? d.between(200, 1100) : d.between(1, 64);
      int levels = Math.max(0, limit + d.between(-1, 1));
      JsonWriter w = new JsonWriter(d, 16, levels, 200);
      w.around(depth -> w.nested(depth, levels));
      return new Limited(new Json(w.bytes(), 16, limit), levels > limit);
    };
  }

  private static byte[] fragments(Draw d, JsonWriter w) {
    if (d.rarely(8)) {
      w.put(BOM); // where Jackson skips one
      if (d.rarely(4)) {
        w.put(d.pick(List.of(BOM, bytes(' '))));
      }
    }
    int n = d.between(1, 10);
    for (int i = 0; i < n; i++) {
      switch (d.between(0, 7)) {
        case 0, 1, 2 -> w.put(d.pick(JUNK));
        case 3 -> w.value(0);
        case 4 -> w.put("\"a" + (char) d.between(0, 0x1f) + "b\"");
        case 5 -> {
          // not UTF-8 mostly ends in an early failure, which shows little: half the time a value
          byte[] bad = d.pick(NOT_UTF8);
          switch (d.between(0, 5)) {
            case 0 -> w.put("\"").put(bad).put("\"");
            case 1 -> w.put("{\"").put(bad).put("\":1}");
            case 2 -> w.put(bad);
            default -> w.value(0);
          }
        }
        case 6 -> w.put(d.pick(WHITESPACE));
        default -> {
          // either side of Jackson's number limit: 1000 digits, sign, point and exponent apart
          if (d.rarely(4)) {
            String digits = "9".repeat(d.between(995, 1005));
            w.put(d.pick(List.of("", "-", "-0.", "9.", "1e", "-1.5E+")) + digits);
          } else {
            w.value(0);
          }
        }
      }
    }
    return w.bytes();
  }

  /** A valid document with up to three bytes replaced, inserted or removed, or cut short. */
  private static byte[] mutated(Draw d, JsonWriter w) {
    w.rootValues();
    byte[] b = w.bytes();
    int n = d.between(1, 3);
    for (int i = 0; i < n && b.length > 0; i++) {
      int at = d.between(0, b.length - 1);
      byte x = (byte) (d.rarely(4) ? d.between(0, 255) : d.pick(MUTANTS));
      b = switch (d.between(0, 3)) {
        case 0 -> {
          b[at] = x;
          yield b;
        }
        case 1 -> concat(Arrays.copyOf(b, at), new byte[] {x}, Arrays.copyOfRange(b, at, b.length));
        case 2 -> concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, at + 1, b.length));
        default -> Arrays.copyOf(b, at);
      };
    }
    return b;
  }

  /**
   * Near-JSON: what JSON does not allow, cut tokens, and what Jackson allows beyond it (root values
   * back to back, some only when a space or a quote parts them).
   */
  private static final List<String> JUNK = List.of(
      "{", "}", "[", "]", ",", ":", "\"", "\\", "tru", "true", "fals", "false", "nul", "null",
      "0", "01", "-", "- ", "1.", ".5", "1e", "1e+", "e", "E", "+", "1", "-0", "12.5e-3", "-01",
      "00", "+1", "--1", "0x10", "1e5.5", "1.5.5", "\"a\"", "\"k\":", "\"k\" ", ",]", ",}", "[1,]",
      "{\"a\":1,}", "{\"a\" 1}", "{\"a\"}", "//", "/*", "*/", "/* c */", "// c\n", "#", "'a'",
      "NaN", "Infinity", "-Infinity", "undefined", "True", "NULL", "\uFEFF", "1 2", "1{}",
      "truefalse", "true-1", "true\"a\"", "null{}", "{}{}", "[][]", "\"a\"\"b\"", "1\"a\"", "1-2",
      "0{}", "-0[]", "0true", "0\"a\"", "0-1", "1.5{}",
      "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\U0041\"", "\"\\'\"", "\"\\uD800\"", "\"\\",
      "\"\\u", "{\"\\uD800\":1}", "{\"\\udc00\":1}", "{\"\\uD83D\\u0041\":1}", "\u00e9", "\u20ac",
      "\ud83d\ude00", "\"\u2028\"", "=", ";", "()", "\u00a0");

  private static final List<String> WHITESPACE =
      List.of(" ", "\n", "\r\n", "\t", "\r", "\u000b", "\f", "\u0000", "\u00a0", "\u2028", "\u3000");

  /** Not UTF-8: overlong forms, encoded surrogates, above U+10FFFF, stray and cut sequences. */
  private static final List<byte[]> NOT_UTF8 = List.of(
      bytes(0xC0, 0x80), bytes(0xC1, 0xBF), bytes(0xC0, 0xA2), bytes(0xC1, 0x9C), bytes(0xC0, 0xAF),
      bytes(0xE0, 0x80, 0x80), bytes(0xE0, 0x80, 0xA2), bytes(0xE0, 0x9F, 0xBF), bytes(0xF0, 0x80, 0x80, 0x80),
      bytes(0xF0, 0x8F, 0xBF, 0xBF), bytes(0xED, 0xA0, 0x80), bytes(0xED, 0xBF, 0xBF),
      bytes(0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80), bytes(0xF4, 0x90, 0x80, 0x80), bytes(0xF5, 0x80, 0x80, 0x80),
      bytes(0xF7, 0xBF, 0xBF, 0xBF), bytes(0xF8, 0x88, 0x80, 0x80, 0x80), bytes(0xFC, 0x84, 0x80, 0x80, 0x80, 0x80),
      bytes(0xFE), bytes(0xFF), bytes(0x80), bytes(0xBF), bytes(0xC3), bytes(0xE2, 0x82),
      bytes(0xF0, 0x9F, 0x98), bytes(0xC3, 0x28), bytes(0xE2, 0x28, 0xA1), bytes(0xF0, 0x9F, 0x28, 0x80),
      bytes(0xC3, 0xA9, 0xA9));

  /** What a spoiled byte becomes, mostly: JSON's own characters and the bytes near its edges. */
  private static final List<Integer> MUTANTS = List.of(
      (int) '"', (int) '\\', (int) '{', (int) '}', (int) '[', (int) ']', (int) ',', (int) ':',
      (int) '0', (int) '1', (int) '-', (int) '.', (int) 'e', (int) 't', (int) 'n', (int) ' ', (int) '\n',
      0x00, 0x0b, 0x1f, 0x7f, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF5, 0xFF);

  /**
   * Writes valid JSON within the limits it is given, favouring what is awkward to tokenize:
   * every escape, raw UTF-8 of every length, empty containers, every number shape, strings up to
   * the limit and nesting down to it.
   */
  private static final class JsonWriter {
    private final Draw d;
    private final int maxString;
    private final int maxDepth;
    /** Past this many bytes values are scalars, so documents stay small. */
    private final int budget;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    JsonWriter(Draw d, int maxString, int maxDepth, int budget) {
      this.d = d;
      this.maxString = maxString;
      this.maxDepth = maxDepth;
      this.budget = budget;
    }

    byte[] bytes() {
      byte[] b = out.toByteArray();
      out.reset();
      return b;
    }

    JsonWriter put(String s) {
      out.writeBytes(s.getBytes(UTF_8));
      return this;
    }

    JsonWriter put(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    /** One to a few root values; each pair apart by whitespace, as a watch stream has them. */
    void rootValues() {
      int n = d.rarely(3) ? d.between(2, 5) : 1;
      space();
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          put(d.pick(List.of("\n", " ", "\r\n", "\t", "\n\n", " \n")));
        }
        value(0);
      }
      space();
    }

    /**
     * The value between other root values, in an array, or as an object's member, at random;
     * {@code value} is told the depth it is written at.
     */
    void around(IntConsumer value) {
      switch (d.between(0, 3)) {
        case 0 -> value.accept(0);
        case 1 -> {
          put("[");
          if (d.rarely(2)) {
            value(1);
            put(",");
          }
          value.accept(1);
          put("]");
        }
        case 2 -> {
          put("{\"k\":");
          value.accept(1);
          put("}");
        }
        default -> {
          value(0);
          put("\n");
          value.accept(0);
          put("\n");
          value(0);
        }
      }
    }

    private void space() {
      if (d.rarely(3)) {
        put(d.pick(List.of(" ", "\n", "\t", "\r\n", "  ", " \n\t ")));
      }
    }

    void value(int depth) {
      if (out.size() > budget || depth >= maxDepth) {
        scalar();
        return;
      }
      switch (d.between(0, 6)) {
        case 0, 1, 2 -> scalar();
        case 3 -> array(depth);
        case 4 -> object(depth);
        default -> {
          if (d.rarely(4)) {
            nested(depth, maxDepth); // as deep as allowed
          } else if (d.rarely(2)) {
            array(depth);
          } else {
            object(depth);
          }
        }
      }
    }

    private void scalar() {
      switch (d.between(0, 2)) {
        case 0 -> number();
        case 1 -> quoted(length(), false, false);
        default -> put(d.pick(List.of("true", "false", "null")));
      }
    }

    private void array(int depth) {
      put("[");
      space();
      int n = d.between(0, 4);
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          put(",");
          space();
        }
        value(depth + 1);
        space();
      }
      put("]");
    }

    private void object(int depth) {
      put("{");
      space();
      int n = d.between(0, 4);
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          put(",");
          space();
        }
        quoted(length(), false, true);
        space();
        put(":");
        space();
        value(depth + 1);
        space();
      }
      put("}");
    }

    /** Containers from depth down to levels, each maybe after a sibling, a scalar innermost. */
    void nested(int depth, int levels) {
      if (depth >= levels) {
        scalar();
        return;
      }
      boolean array = d.rarely(2);
      put(array ? "[" : "{");
      if (d.rarely(4)) {
        if (!array) {
          put("\"s\":");
        }
        scalar();
        put(",");
      }
      if (!array) {
        quoted(Math.min(1, maxString), false, true);
        put(":");
      }
      nested(depth + 1, levels);
      put(array ? "]" : "}");
    }

    /** Mostly short; now and then right up to the limit, or anywhere below it. */
    private int length() {
      return switch (d.between(0, 5)) {
        case 4 -> Math.max(0, maxString - d.between(0, 3));
        case 5 -> d.between(0, maxString);
        default -> Math.min(maxString, d.between(0, 6));
      };
    }

    /**
     * A string whose text is exactly {@code length} long, in UTF-16 chars or in bytes of its
     * UTF-8; quotes around it. A name has no lone escaped surrogate, which Jackson refuses in
     * names only.
     */
    void quoted(int length, boolean bytes, boolean name) {
      put("\"");
      int left = length;
      while (left > 0) {
        left -= piece(left, bytes, name);
      }
      put("\"");
    }

    /** One escape or character, if its text fits {@code room}; how much of it it took. */
    private int piece(int room, boolean bytes, boolean name) {
      int c; // what the piece stands for: its text's length follows
      String s;
      switch (d.between(0, 7)) {
        case 0 -> s = String.valueOf((char) (c = pickAscii()));
        case 1 -> {
          s = d.pick(List.of("\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"));
          c = '"';
        }
        case 2 -> s = unicodeEscape(c = notSurrogate(d.rarely(2) ? d.between(0, 0x1f) : d.between(0, 0xFFFF)));
        case 3 -> s = unicodeEscape(c = name ? 'n' : d.rarely(2) ? d.between(0xD800, 0xDBFF) : d.between(0xDC00, 0xDFFF));
        case 4 -> s = String.valueOf((char) (c = d.between(0x80, 0x7FF)));
        case 5 -> s = String.valueOf((char) (c = notSurrogate(
            d.rarely(3) ? d.pick(List.of(0xFEFF, 0x2028, 0xFFFE, 0xFFFF, 0x800)) : d.between(0x800, 0xFFFF))));
        case 6 -> s = new String(Character.toChars(c = d.between(0x10000, 0x10FFFF)));
        default -> {
          c = d.between(0x10000, 0x10FFFF);
          // Jackson's parser recurses once per escaped pair in a name, and a few thousand
          // overflow its stack: names measured in bytes, the long ones, have them raw
          s = bytes ? new String(Character.toChars(c))
              : unicodeEscape(Character.highSurrogate(c)) + unicodeEscape(Character.lowSurrogate(c));
        }
      }
      int size = bytes ? (c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4) : Character.charCount(c);
      if (size > room) {
        return 0;
      }
      put(s);
      return size;
    }

    private static int notSurrogate(int c) {
      return Character.isSurrogate((char) c) ? 0xE000 : c;
    }

    private int pickAscii() {
      int c = d.rarely(8) ? 0x7F : d.between(0x20, 0x7E);
      return c == '"' || c == '\\' ? 'a' : c;
    }

    /** {@code \}{@code uXXXX}, each hex letter upper or lower case at random. */
    private String unicodeEscape(int c) {
      StringBuilder s = new StringBuilder("\\u");
      for (char h : String.format("%04x", c).toCharArray()) {
        s.append(Character.isLetter(h) && d.rarely(2) ? Character.toUpperCase(h) : h);
      }
      return s.toString();
    }

    /** Every shape of JSON's number grammar, digit runs now and then long. */
    private void number() {
      StringBuilder s = new StringBuilder();
      if (d.rarely(3)) {
        s.append('-');
      }
      if (d.rarely(3)) {
        s.append('0');
      } else {
        s.append((char) ('1' + d.between(0, 8))).append(digits());
      }
      if (d.rarely(3)) {
        s.append('.').append((char) ('0' + d.between(0, 9))).append(digits());
      }
      if (d.rarely(3)) {
        s.append(d.pick(List.of("e", "E"))).append(d.pick(List.of("", "+", "-")));
        s.append((char) ('0' + d.between(0, 9))).append(digits());
      }
      put(s.toString());
    }

    private String digits() {
      int n = d.rarely(10) ? d.between(20, 300) : d.between(0, 3);
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < n; i++) {
        s.append((char) ('0' + d.between(0, 9)));
      }
      return s.toString();
    }
  }

  // ---- bytes

  private static byte[] bytes(int... b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = (byte) b[i];
    }
    return r;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** The input as Java source: a string literal of its text, or of its bytes if not UTF-8. */
  private static String literal(byte[] b) {
    return validUtf8(b) ? javaString(new String(b, UTF_8)) : "latin1(" + javaString(new String(b, ISO_8859_1)) + ")";
  }

  private static String javaString(String s) {
    StringBuilder r = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> r.append("\\\"");
        case '\\' -> r.append("\\\\");
        case '\n' -> r.append("\\n");
        case '\r' -> r.append("\\r");
        case '\t' -> r.append("\\t");
        case '\b' -> r.append("\\b");
        case '\f' -> r.append("\\f");
        default -> r.append(c < 0x20 || c > 0x7E ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return r.append('"').toString();
  }
}
