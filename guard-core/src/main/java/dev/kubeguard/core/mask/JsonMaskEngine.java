package dev.kubeguard.core.mask;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The masking rules over a stream of JSON tokens: reads each token from a parser (non-blocking,
 * blocking, or a replayed buffer) and writes it, or its mask, to a {@link CompactJsonWriter}. It
 * never looks back at emitted output: every value is decided before it is written.
 *
 * <p>It keeps a stack of frames saying what each open object or array is (a Kubernetes object, a
 * list's items, Table rows, metadata, annotations, Secret data, an env var...). A Kubernetes
 * object whose kind is not known yet when {@code data}, {@code stringData} or
 * {@code binaryData} arrives has that field deferred (bounded) until {@code kind} arrives or the
 * object ends, and then emitted after the fields read meanwhile; an env var whose {@code value}
 * precedes its {@code name} is handled alike. Not thread-safe.
 */
final class JsonMaskEngine {

  // What an open container is.
  static final byte GENERIC = 0;
  static final byte RESOURCE = 1;
  static final byte ITEMS = 2;
  static final byte ROWS = 3;
  static final byte ROW = 4;
  static final byte METADATA = 5;
  static final byte ANNOTATIONS = 6;
  static final byte SECRET_DATA = 7;
  static final byte CONFIGMAP_DATA = 8;
  static final byte ENV_LIST = 9;
  static final byte ENV_VAR = 10;
  static final byte MASK_ALL = 11;

  // What to do with a scalar.
  private static final int DETECT = 0;
  private static final int MASK = 1;
  private static final int MASK64 = 2;
  private static final int ANNOTATION = 3;
  private static final int ENV_NAME = 4;
  private static final int KIND = 5;

  private static final int MAX_EMBED_LEVEL = 3;

  private static final class Frame {
    byte role;
    boolean array;
    boolean base64;
    String kind;
    String inheritedKind;
    FieldPaths.Node node;
    FieldPaths.Node kindTrie;
    boolean kindTrieKnown;
    String field;
    String envName;
    boolean envNameSeen;
    boolean valueFieldDeferred;
    boolean hasPendingValue;
    JsonToken pendingToken;
    String pendingText;
    List<Deferred> deferred;

    void reset(byte role, boolean array, FieldPaths.Node node, String inheritedKind, boolean base64) {
      this.role = role;
      this.array = array;
      this.node = node;
      this.inheritedKind = inheritedKind;
      this.base64 = base64;
      kind = null;
      kindTrie = null;
      kindTrieKnown = false;
      field = null;
      envName = null;
      envNameSeen = false;
      valueFieldDeferred = false;
      hasPendingValue = false;
      pendingToken = null;
      pendingText = null;
      deferred = null;
    }

    String effectiveKind() {
      return kind != null ? kind : inheritedKind;
    }
  }

  private record Deferred(String field, TokenBuffer tokens, long size) {}

  private final CompiledProfile profile;
  private final MaskTokens tokens;
  private final CompactJsonWriter gen;
  private final JsonFactory factory;
  private final MaskLimits limits;
  private final int embedLevel;
  private final boolean newlineAfterRoot;
  final int[] masked = new int[1];
  private final SensitiveNames.Memo names;

  private Frame[] stack = new Frame[32];
  private int depth;

  // the slot: what the value about to be read is
  private byte slotRole;
  private int slotAction;
  private FieldPaths.Node slotNode;
  private String slotInherited;
  private boolean slotBase64;

  // a deferred field being captured
  private TokenBuffer capture;
  private int captureDepth;
  private long captureSize;
  private Frame captureOwner;
  private String captureField;
  private long held;

  JsonMaskEngine(
      CompiledProfile profile,
      MaskTokens tokens,
      CompactJsonWriter gen,
      JsonFactory factory,
      MaskLimits limits,
      int embedLevel,
      boolean newlineAfterRoot) {
    this.profile = profile;
    this.tokens = tokens;
    this.gen = gen;
    this.factory = factory;
    this.limits = limits;
    this.embedLevel = embedLevel;
    this.newlineAfterRoot = newlineAfterRoot;
    this.names = profile.names.memo();
  }

  int maskedCount() {
    return masked[0];
  }

  /** Consumes the parser's current token. */
  void onToken(JsonToken t, JsonParser p) throws IOException {
    if (capture != null) {
      capture(t, p);
      return;
    }
    switch (t) {
      case FIELD_NAME -> fieldName(p.currentName());
      case START_OBJECT -> startContainer(false);
      case START_ARRAY -> startContainer(true);
      case END_OBJECT, END_ARRAY -> endContainer();
      default -> scalar(t, p);
    }
  }

  /** The input ended: fails if it ended inside a value. */
  void finish() throws IOException {
    if (capture != null || depth != 0) {
      throw new IOException("body ended inside a JSON value");
    }
  }

  // ---- tokens

  private void fieldName(String n) throws IOException {
    Frame f = stack[depth - 1];
    if (f.role == RESOURCE
        && f.effectiveKind() == null
        && profile.kindMatters()
        && (n.equals("data") || n.equals("stringData") || n.equals("binaryData"))) {
      beginCapture(f, n);
      return;
    }
    if (f.role == ENV_VAR && !f.envNameSeen && profile.envValues && n.equals("value")) {
      f.field = n;
      f.valueFieldDeferred = true;
      return;
    }
    f.field = n;
    gen.fieldName(n);
  }


  private void startContainer(boolean array) throws IOException {
    resolveSlot();
    Frame parent = depth == 0 ? null : stack[depth - 1];
    byte role = slotRole;
    if (parent != null && parent.valueFieldDeferred) {
      // an env value that is a container, before the name: nothing to wait for, mask it
      gen.fieldName("value");
      parent.valueFieldDeferred = false;
      role = MASK_ALL;
    }
    if (array) {
      if (role == SECRET_DATA || role == CONFIGMAP_DATA) {
        role = MASK_ALL;
      } else if (role != ITEMS && role != ROWS && role != ENV_LIST && role != MASK_ALL
          && !(role == RESOURCE && depth == 0)) {
        role = GENERIC;
      }
    } else if (role == ITEMS || role == ROWS || role == ENV_LIST) {
      role = GENERIC;
    }
    push(role, array, slotNode, slotInherited, slotBase64);
    if (array) {
      gen.startArray();
    } else {
      gen.startObject();
    }
  }

  private void endContainer() throws IOException {
    Frame f = stack[depth - 1];
    if (f.deferred != null) {
      replayDeferred(f);
    }
    if (f.hasPendingValue) {
      writePendingEnvValue(f);
    }
    if (f.array) {
      gen.endArray();
    } else {
      gen.endObject();
    }
    depth--;
    if (depth == 0) {
      rootEnded();
    }
  }

  private void scalar(JsonToken t, JsonParser p) throws IOException {
    resolveSlot();
    Frame f = depth == 0 ? null : stack[depth - 1];
    if (f != null && f.valueFieldDeferred) {
      f.valueFieldDeferred = false;
      f.hasPendingValue = true;
      f.pendingToken = t;
      f.pendingText = t == JsonToken.VALUE_STRING || t.isNumeric() ? p.getText() : null;
      if (f.pendingText != null && f.pendingText.length() > limits.maxHeldChars()) {
        throw new IOException("env value too long to hold");
      }
      return;
    }
    switch (slotAction) {
      case KIND -> {
        writeDetect(t, p);
        if (t == JsonToken.VALUE_STRING) {
          f.kind = p.getText();
          f.kindTrieKnown = false;
          if (f.deferred != null) {
            replayDeferred(f);
          }
        }
      }
      case ENV_NAME -> {
        writeDetect(t, p);
        if (t == JsonToken.VALUE_STRING) {
          f.envName = p.getText();
          f.envNameSeen = true;
          if (f.hasPendingValue) {
            writePendingEnvValue(f);
          }
        }
      }
      case MASK -> writeMasked(t, t == JsonToken.VALUE_STRING || t.isNumeric() ? p.getText() : null, false);
      case MASK64 -> writeMasked(t, t == JsonToken.VALUE_STRING || t.isNumeric() ? p.getText() : null, true);
      case ANNOTATION -> writeAnnotation(t, p);
      default -> writeDetect(t, p);
    }
    if (depth == 0) {
      rootEnded();
    }
  }

  private void rootEnded() throws IOException {
    if (newlineAfterRoot) {
      gen.newline();
    }
  }

  // ---- deciding

  /** Sets the slot fields for the value about to start, from the innermost open container. */
  private void resolveSlot() {
    slotRole = GENERIC;
    slotAction = DETECT;
    slotNode = null;
    slotInherited = null;
    slotBase64 = false;
    if (depth == 0) {
      slotRole = RESOURCE;
      return;
    }
    Frame f = stack[depth - 1];
    if (f.array) {
      switch (f.role) {
        case ITEMS -> {
          slotRole = RESOURCE;
          slotInherited = f.inheritedKind;
        }
        case ROWS -> slotRole = ROW;
        case ENV_LIST -> slotRole = ENV_VAR;
        case MASK_ALL -> {
          slotRole = MASK_ALL;
          slotAction = MASK;
        }
        case RESOURCE -> slotRole = RESOURCE;
        default -> slotNode = f.node;
      }
      return;
    }
    String n = f.field;
    FieldPaths.Node node;
    if (f.role == RESOURCE) {
      if (!f.kindTrieKnown) {
        f.kindTrie = profile.trieFor(f.effectiveKind());
        f.kindTrieKnown = true;
      }
      node = f.kindTrie;
    } else {
      node = f.node;
    }
    FieldPaths.Node child = node == null ? null : node.child(n);
    if (child != null && child.terminal()) {
      slotRole = MASK_ALL;
      slotAction = MASK;
      return;
    }
    slotNode = child;
    switch (f.role) {
      case RESOURCE -> {
        if (resourceField(f, n)) {
          return;
        }
      }
      case ROW -> {
        if (n.equals("object")) {
          slotRole = RESOURCE;
          return;
        }
      }
      case METADATA -> {
        if (n.equals("annotations")) {
          slotRole = ANNOTATIONS;
          return;
        }
      }
      case ANNOTATIONS -> {
        slotAction = ANNOTATION;
        return;
      }
      case SECRET_DATA -> {
        mask(f.base64);
        return;
      }
      case CONFIGMAP_DATA -> {
        if (names.isSensitive(n)) {
          mask(f.base64);
        }
        return;
      }
      case ENV_VAR -> {
        if (n.equals("name")) {
          slotAction = ENV_NAME;
          return;
        }
        if (n.equals("value")) {
          if (!f.envNameSeen || names.isSensitive(f.envName)) {
            mask(false);
          }
          return;
        }
      }
      case MASK_ALL -> {
        mask(false);
        return;
      }
      default -> {}
    }
    if (n.equals("env") && profile.envValues) {
      slotRole = ENV_LIST;
    } else if (n.equals("metadata")) {
      slotRole = METADATA;
    }
  }

  private void mask(boolean base64) {
    slotRole = MASK_ALL;
    slotAction = base64 ? MASK64 : MASK;
  }

  private boolean resourceField(Frame f, String n) {
    String kind = f.effectiveKind();
    switch (n) {
      case "kind" -> {
        slotAction = KIND;
        return true;
      }
      case "data", "stringData", "binaryData" -> {
        boolean stringData = n.equals("stringData");
        if (profile.secretData && (kind == null || (kind.equals("Secret") && !n.equals("binaryData")))) {
          slotRole = SECRET_DATA;
          slotBase64 = !stringData;
          return true;
        }
        if (profile.configMapKeys && !stringData && (kind == null || kind.equals("ConfigMap"))) {
          slotRole = CONFIGMAP_DATA;
          slotBase64 = n.equals("binaryData");
          return true;
        }
        return false;
      }
      case "items" -> {
        if (kind == null || kind.endsWith("List")) {
          slotRole = ITEMS;
          slotInherited =
              kind != null && kind.length() > 4 && kind.endsWith("List")
                  ? kind.substring(0, kind.length() - 4)
                  : null;
          return true;
        }
        return false;
      }
      case "rows" -> {
        if (kind == null || kind.equals("Table")) {
          slotRole = ROWS;
          return true;
        }
        return false;
      }
      case "object" -> {
        if (kind == null || kind.equals("WatchEvent")) {
          slotRole = RESOURCE;
          return true;
        }
        return false;
      }
      default -> {
        return false;
      }
    }
  }

  private void push(byte role, boolean array, FieldPaths.Node node, String inherited, boolean base64) {
    if (depth == stack.length) {
      Frame[] bigger = new Frame[stack.length * 2];
      System.arraycopy(stack, 0, bigger, 0, stack.length);
      stack = bigger;
    }
    Frame f = stack[depth];
    if (f == null) {
      f = stack[depth] = new Frame();
    }
    f.reset(role, array, node, inherited, base64);
    depth++;
  }

  // ---- writing

  private void writeDetect(JsonToken t, JsonParser p) throws IOException {
    switch (t) {
      // numbers keep their text as written: exact, and no parsing (it cost ~5% on a PodList)
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
          gen.number(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
      case VALUE_STRING -> {
        char[] c = p.getTextCharacters();
        int off = p.getTextOffset();
        int len = p.getTextLength();
        int which = profile.detectors.triggers(c, off, len);
        if (which != 0) {
          String s = new String(c, off, len);
          String m = profile.detectors.mask(s, tokens, masked, which);
          gen.string(m != null ? m : s);
        } else {
          gen.string(c, off, len);
        }
      }
      case VALUE_TRUE -> gen.bool(true);
      case VALUE_FALSE -> gen.bool(false);
      case VALUE_NULL -> gen.nullValue();
      default -> throw new IOException("unexpected JSON token " + t);
    }
  }

  private void writeDetectText(JsonToken t, String text) throws IOException {
    switch (t) {
      case VALUE_STRING -> {
        String m = profile.detectors.active() ? profile.detectors.mask(text, tokens, masked) : null;
        gen.string(m != null ? m : text);
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> gen.number(text);
      case VALUE_TRUE -> gen.bool(true);
      case VALUE_FALSE -> gen.bool(false);
      case VALUE_NULL -> gen.nullValue();
      default -> throw new IOException("unexpected JSON token " + t);
    }
  }

  private void writeMasked(JsonToken t, String text, boolean base64) throws IOException {
    switch (t) {
      case VALUE_STRING -> {
        gen.string(base64 ? tokens.base64Of(text) : tokens.ofText(text));
        masked[0]++;
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        gen.string(tokens.ofText(text));
        masked[0]++;
      }
      case VALUE_TRUE -> gen.bool(true);
      case VALUE_FALSE -> gen.bool(false);
      case VALUE_NULL -> gen.nullValue();
      default -> throw new IOException("unexpected JSON token " + t);
    }
  }

  private void writePendingEnvValue(Frame f) throws IOException {
    f.hasPendingValue = false;
    gen.fieldName("value");
    if (!f.envNameSeen || names.isSensitive(f.envName)) {
      writeMasked(f.pendingToken, f.pendingText, false);
    } else {
      writeDetectText(f.pendingToken, f.pendingText);
    }
    f.pendingText = null;
    f.pendingToken = null;
  }

  private void writeAnnotation(JsonToken t, JsonParser p) throws IOException {
    if (t != JsonToken.VALUE_STRING || !profile.embeddedJson) {
      writeDetect(t, p);
      return;
    }
    char[] c = p.getTextCharacters();
    int off = p.getTextOffset();
    int len = p.getTextLength();
    int i = off;
    while (i < off + len && Character.isWhitespace(c[i])) {
      i++;
    }
    if (i < off + len && (c[i] == '{' || c[i] == '[')) {
      gen.string(maskEmbedded(new String(c, off, len)));
    } else {
      writeDetect(t, p);
    }
  }

  /**
   * Masks JSON held in a string with the same rules and re-serializes it. Unparsable, too long
   * or too deeply embedded: the whole value is masked, since it may hold anything.
   */
  private String maskEmbedded(String s) {
    if (embedLevel >= MAX_EMBED_LEVEL || s.length() > limits.maxEmbeddedChars()) {
      masked[0]++;
      return tokens.ofText(s);
    }
    int end = s.length();
    while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
      end--;
    }
    ChunkOutput embedded = new ChunkOutput(null, s.length() + 32);
    try (JsonParser ep = factory.createParser(s)) {
      CompactJsonWriter writer = new CompactJsonWriter(embedded, gen);
      JsonMaskEngine sub = new JsonMaskEngine(profile, tokens, writer, factory, limits, embedLevel + 1, false);
      JsonToken t;
      while ((t = ep.nextToken()) != null) {
        sub.onToken(t, ep);
      }
      sub.finish();
      masked[0] += sub.masked[0];
    } catch (IOException | RuntimeException e) {
      masked[0]++;
      return tokens.ofText(s);
    }
    return embedded.utf8() + s.substring(end);
  }

  // ---- deferring data until the kind is known

  private void beginCapture(Frame owner, String field) {
    capture = new TokenBuffer((ObjectCodec) null, false);
    captureDepth = 0;
    captureSize = field.length() + 16;
    captureOwner = owner;
    captureField = field;
  }

  private void capture(JsonToken t, JsonParser p) throws IOException {
    TokenBuffer b = capture;
    switch (t) {
      case START_OBJECT -> {
        b.writeStartObject();
        captureDepth++;
      }
      case START_ARRAY -> {
        b.writeStartArray();
        captureDepth++;
      }
      case END_OBJECT -> {
        b.writeEndObject();
        captureDepth--;
      }
      case END_ARRAY -> {
        b.writeEndArray();
        captureDepth--;
      }
      case FIELD_NAME -> {
        String n = p.currentName();
        b.writeFieldName(n);
        captureSize += n.length();
      }
      case VALUE_STRING -> {
        b.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        captureSize += p.getTextLength();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        String num = p.getText();
        b.writeNumber(num);
        captureSize += num.length();
      }
      case VALUE_TRUE -> b.writeBoolean(true);
      case VALUE_FALSE -> b.writeBoolean(false);
      case VALUE_NULL -> b.writeNull();
      default -> throw new IOException("unexpected JSON token " + t);
    }
    captureSize += 8;
    if (captureDepth == 0) {
      Frame owner = captureOwner;
      if (owner.deferred == null) {
        owner.deferred = new ArrayList<>(2);
      }
      owner.deferred.add(new Deferred(captureField, b, captureSize));
      held += captureSize;
      capture = null;
      captureOwner = null;
    } else if (held + captureSize > limits.maxHeldChars()) {
      // Too much to wait for the kind: decide now, conservatively (kind unknown = Secret).
      capture = null;
      Frame owner = captureOwner;
      captureOwner = null;
      if (owner.deferred != null) {
        replayDeferred(owner);
      }
      owner.field = captureField;
      gen.fieldName(captureField);
      replay(b);
    }
  }

  private void replayDeferred(Frame f) throws IOException {
    List<Deferred> list = f.deferred;
    f.deferred = null;
    for (Deferred d : list) {
      held -= d.size();
      f.field = d.field();
      gen.fieldName(d.field());
      replay(d.tokens());
    }
  }

  private void replay(TokenBuffer b) throws IOException {
    try (JsonParser bp = b.asParser()) {
      JsonToken t;
      while ((t = bp.nextToken()) != null) {
        onToken(t, bp);
      }
    }
  }
}
