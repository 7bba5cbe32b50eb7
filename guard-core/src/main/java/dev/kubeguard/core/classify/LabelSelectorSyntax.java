package dev.kubeguard.core.classify;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether {@code labels.Parse} accepts a label selector. Only validity matters for
 * classification: an invalid label selector makes kube-apiserver discard the whole list options,
 * so a {@code metadata.name} field selector next to it no longer names the object.
 *
 * <p>A port of the Go lexer and recursive-descent parser, token for token, including its
 * quirks (a NUL ends the input where a token would start). Stateless and thread-safe; linear in
 * the selector length.
 */
final class LabelSelectorSyntax {

  private enum Tok {
    ERROR, EOS, CLOSED_PAR, COMMA, NOT, DOUBLE_EQUALS, EQUALS, GT, IDENT, IN, LT, NOT_EQUALS,
    NOT_IN, OPEN_PAR
  }

  private record Item(Tok tok, String lit) {}

  private LabelSelectorSyntax() {}

  static boolean isValid(String selector) {
    return new Parser(new Lexer(selector)).parse();
  }

  // ---- lexer -------------------------------------------------------------------------------

  private static final class Lexer {
    private final String s;
    private int pos;

    Lexer(String s) {
      this.s = s;
    }

    /** Go's read(): 0 at the end (without advancing) and for a NUL (advancing). */
    char read() {
      if (pos < s.length()) {
        return s.charAt(pos++);
      }
      return 0;
    }

    void unread() {
      pos--;
    }

    Item lex() {
      char ch = read();
      while (isWhitespace(ch)) {
        ch = read();
      }
      if (ch == 0) {
        return new Item(Tok.EOS, "");
      }
      unread();
      return isSpecial(ch) ? scanSpecial() : scanIdOrKeyword();
    }

    private Item scanIdOrKeyword() {
      int start = pos;
      int end;
      while (true) {
        if (pos >= s.length()) {
          end = pos;
          break;
        }
        char ch = s.charAt(pos++);
        if (ch == 0) {
          end = pos - 1; // Go consumes a NUL and ends the identifier before it
          break;
        }
        if (isSpecial(ch) || isWhitespace(ch)) {
          pos--;
          end = pos;
          break;
        }
      }
      String lit = s.substring(start, end);
      if (lit.equals("in")) {
        return new Item(Tok.IN, lit);
      }
      if (lit.equals("notin")) {
        return new Item(Tok.NOT_IN, lit);
      }
      return new Item(Tok.IDENT, lit);
    }

    private Item scanSpecial() {
      Item last = null;
      StringBuilder buf = new StringBuilder(2);
      while (true) {
        char ch = read();
        if (ch == 0) {
          break;
        }
        if (isSpecial(ch)) {
          buf.append(ch);
          Tok t = specialToken(buf);
          if (t != null) {
            last = new Item(t, buf.toString());
          } else if (last != null) {
            unread();
            break;
          }
        } else {
          unread();
          break;
        }
      }
      return last == null ? new Item(Tok.ERROR, buf.toString()) : last;
    }

    private static Tok specialToken(CharSequence b) {
      if (b.length() == 1) {
        switch (b.charAt(0)) {
          case ')': return Tok.CLOSED_PAR;
          case ',': return Tok.COMMA;
          case '!': return Tok.NOT;
          case '=': return Tok.EQUALS;
          case '>': return Tok.GT;
          case '<': return Tok.LT;
          case '(': return Tok.OPEN_PAR;
          default: return null;
        }
      }
      if (b.length() == 2 && b.charAt(1) == '=') {
        if (b.charAt(0) == '=') {
          return Tok.DOUBLE_EQUALS;
        }
        if (b.charAt(0) == '!') {
          return Tok.NOT_EQUALS;
        }
      }
      return null;
    }
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  private static boolean isSpecial(char c) {
    return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
  }

  // ---- parser ------------------------------------------------------------------------------

  /**
   * Go scans every token before parsing; lexing on demand yields the same tokens (the lexer does
   * not depend on the parser, and lexing past the end keeps yielding end-of-string) and stops at
   * the first error instead of tokenizing megabytes. The parser only ever looks at the current
   * token, so only that one is kept.
   */
  private static final class Parser {
    private final Lexer lexer;
    private Item current;

    Parser(Lexer lexer) {
      this.lexer = lexer;
    }

    private Item peek() {
      if (current == null) {
        current = lexer.lex();
      }
      return current;
    }

    /** In a values context the keywords {@code in}/{@code notin} are plain identifiers. */
    private Tok lookahead(boolean values) {
      return adjust(peek().tok, values);
    }

    private Item consume(boolean values) {
      Item it = peek();
      current = null;
      Tok t = adjust(it.tok, values);
      return t == it.tok ? it : new Item(t, it.lit);
    }

    private static Tok adjust(Tok t, boolean values) {
      return values && (t == Tok.IN || t == Tok.NOT_IN) ? Tok.IDENT : t;
    }

    boolean parse() {
      while (true) {
        Tok tok = lookahead(true);
        if (tok == Tok.IDENT || tok == Tok.NOT) {
          if (!parseRequirement()) {
            return false;
          }
          Tok t = consume(true).tok;
          if (t == Tok.EOS) {
            return true;
          }
          if (t != Tok.COMMA) {
            return false;
          }
          Tok t2 = lookahead(true);
          if (t2 != Tok.IDENT && t2 != Tok.NOT) {
            return false;
          }
        } else {
          return tok == Tok.EOS;
        }
      }
    }

    private boolean parseRequirement() {
      // parseKeyAndInferOperator
      Item it = consume(true);
      boolean doesNotExist = false;
      if (it.tok == Tok.NOT) {
        doesNotExist = true;
        it = consume(true);
      }
      if (it.tok != Tok.IDENT || !KubeNameRules.isQualifiedName(it.lit)) {
        return false;
      }
      Tok next = lookahead(true);
      if (doesNotExist || next == Tok.EOS || next == Tok.COMMA) {
        return true; // exists / does-not-exist: no values to validate
      }
      // parseOperator
      Tok op = consume(false).tok;
      List<String> values;
      switch (op) {
        case IN, NOT_IN -> values = parseValues();
        case EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GT, LT -> values = parseExactValue();
        default -> {
          return false;
        }
      }
      if (values == null) {
        return false;
      }
      if (op == Tok.GT || op == Tok.LT) {
        for (String v : values) {
          if (!KubeNameRules.isInt64(v)) {
            return false;
          }
        }
      }
      for (String v : values) {
        if (!KubeNameRules.isValidLabelValue(v)) {
          return false;
        }
      }
      return true;
    }

    private List<String> parseValues() {
      if (consume(true).tok != Tok.OPEN_PAR) {
        return null;
      }
      Tok tok = lookahead(true);
      if (tok == Tok.IDENT || tok == Tok.COMMA) {
        List<String> s = parseIdentifiersList();
        if (s == null || consume(true).tok != Tok.CLOSED_PAR) {
          return null;
        }
        return s;
      }
      if (tok == Tok.CLOSED_PAR) {
        consume(true);
        return List.of("");
      }
      return null;
    }

    private List<String> parseIdentifiersList() {
      List<String> s = new ArrayList<>();
      while (true) {
        Item it = consume(true);
        if (it.tok == Tok.IDENT) {
          s.add(it.lit);
          Tok t2 = lookahead(true);
          if (t2 == Tok.CLOSED_PAR) {
            return s;
          }
          if (t2 != Tok.COMMA) {
            return null;
          }
        } else if (it.tok == Tok.COMMA) {
          if (s.isEmpty()) {
            s.add("");
          }
          Tok t2 = lookahead(true);
          if (t2 == Tok.CLOSED_PAR) {
            s.add("");
            return s;
          }
          if (t2 == Tok.COMMA) {
            consume(true);
            s.add("");
          }
        } else {
          return null;
        }
      }
    }

    private List<String> parseExactValue() {
      Tok tok = lookahead(true);
      if (tok == Tok.EOS || tok == Tok.COMMA) {
        return List.of("");
      }
      Item it = consume(true);
      return it.tok == Tok.IDENT ? List.of(it.lit) : null;
    }
  }
}
