package dev.kubeguard.core.mask;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The masking rules over a stream of JSON tokens. It reads each token with its end offset and
 * rewrites, through a {@link Splice}, only the spans it masks: every other byte of the input
 * reaches the output unchanged.
 *
 * <p>It keeps a stack of frames saying what each open object or array is (a Kubernetes object, a
 * list's items, Table rows, metadata, Secret data, an env var...). A value whose rule depends on
 * something that comes later is written in place under the conservative decision and held:
 * {@code data}, {@code stringData} or {@code binaryData} of an object whose own kind is not known
 * yet is masked as a Secret's would be, and an env var's {@code value} before its {@code name} is
 * masked. The output from that value on is held (bounded by {@link MaskLimits#maxHeldChars()})
 * until the kind or name arrives or the object ends; if the decision then differs, the value's
 * input bytes are masked again under it and replace the conservative output. Past the bound the
 * conservative output stands. Not thread-safe.
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
  private static final int MASK_STRING = 3;
  private static final int ENV_NAME = 4;
  private static final int KIND = 5;

  private static final byte[] NO_BYTES = new byte[0];
  private static final Frame[] NO_FRAMES = new Frame[0];

  /**
   * Spare frame stacks (shared by all threads), so each body does not build its frames anew (they
   * were a fifth of what masking a small object allocated): taken when an engine is built, given
   * back when it is closed, at most 8 kept and none deeper than 64. A frame holds names and kinds, never a
   * value; each push resets the frame it takes.
   */
  private static final SpareBuffers<Frame[]> SPARE_FRAMES = new SpareBuffers<>(8, 1, 64, Frame[]::new, f -> f.length);

  /** JSON in a string in a string...: the fourth level down is masked whole. */
  private static final int MAX_EMBED_LEVEL = 4;

  /** What the value about to start is, decided from its container and field name. */
  record Slot(byte role, int action, FieldPaths.Node node, String inherited, boolean base64) {}

  private static final class Frame {
    byte role;
    boolean array;
    boolean base64;
    String kind;
    String inheritedKind;
    FieldPaths.Node node;
    FieldPaths.Node kindTrie;
    boolean kindTrieKnown;
    FieldName field;
    FieldName envName;
    boolean envNameSeen;
    boolean ending;
    boolean schema;
    int heldCount;
    final SeenNames seen = new SeenNames();

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
      ending = false;
      schema = false;
      heldCount = 0;
      seen.clear();
    }

    String effectiveKind() {
      return kind != null ? kind : inheritedKind;
    }
  }

  /** A value written under the conservative decision, that its owner may still re-decide. */
  private static final class Held {
    Frame owner;
    FieldName field;
    Slot decided;
    long rawStart;
    long rawEnd = -1;
    int outStart;
    int outEnd;
    int openDepth = -1;
    int maskedAtStart;
    int maskedInside;
  }

  private final CompiledProfile profile;
  private final MaskTokens tokens;
  private final Splice sp;
  private final MaskLimits limits;
  private int embedLevel;
  private Slot seed;
  final int[] masked = new int[1];
  private final SensitiveNames names;

  private Frame[] stack = SPARE_FRAMES.take(8);
  private String lastKind;
  private FieldPaths.Node lastKindTrie;
  private int depth;
  private long lastEnd;

  // the slot: what the value about to be read is
  private byte slotRole;
  private int slotAction;
  private FieldPaths.Node slotNode;
  private String slotInherited;
  private boolean slotBase64;
  private boolean slotHeld;

  private final List<Held> held = new ArrayList<>();
  // held values still being read, innermost last (a generic object's data may hold an env var's value)
  private final List<Held> open = new ArrayList<>();

  // for replacements
  private CompactJsonWriter quoter;
  private ChunkOutput partOut;
  private byte[] embedSrc = NO_BYTES;
  // the engine for parts (JSON in a string, a held value again): one at a time, so reused
  private JsonMaskEngine part;
  // the scanner for parts, started over for each
  private JsonScanner partScanner;

  /**
   * @param seed the slot of the root value, or {@code null} for Kubernetes objects (a body, or
   *     JSON held in a string)
   */
  JsonMaskEngine(
      CompiledProfile profile,
      MaskTokens tokens,
      Splice sp,
      MaskLimits limits,
      int embedLevel,
      Slot seed) {
    this.profile = profile;
    this.tokens = tokens;
    this.sp = sp;
    this.limits = limits;
    this.embedLevel = embedLevel;
    this.seed = seed;
    this.names = profile.names;
  }

  /**
   * This engine as a new one over its splice (just {@link Splice#over re-aimed}) would be, for
   * another part at {@code level} seeded with {@code seed}; its buffers and frames are kept.
   */
  private JsonMaskEngine reuse(int level, Slot seed) {
    if (stack == NO_FRAMES) {
      stack = SPARE_FRAMES.take(8); // closed after its last body
    }
    this.embedLevel = level;
    this.seed = seed;
    masked[0] = 0;
    lastKind = null;
    lastKindTrie = null;
    depth = 0;
    lastEnd = 0;
    slotRole = 0;
    slotAction = 0;
    slotNode = null;
    slotInherited = null;
    slotBase64 = false;
    slotHeld = false;
    held.clear();
    open.clear();
    return this;
  }

  /**
   * This engine, {@link #close() closed} after a body, as a new one for the next body over the
   * same splice: its parts are kept and start over when next used.
   */
  void reopen() {
    reuse(0, null);
    tokens.putAway();
  }

  int maskedCount() {
    return masked[0];
  }

  /** Whether output must wait: a value written under a conservative decision may still change. */
  boolean holding() {
    return !held.isEmpty();
  }

  /** The earliest input offset a held value may still need. */
  long retainFrom() {
    return held.isEmpty() ? Long.MAX_VALUE : held.get(0).rawStart;
  }

  /** The end offset of the last token read: everything before it is decided. */
  long lastEnd() {
    return lastEnd;
  }

  /** Consumes the scanner's current token, which ends at input offset {@code end}. */
  void onToken(int t, JsonScanner p, long end) throws IOException {
    switch (t) {
      case JsonScanner.FIELD_NAME -> fieldName(p.field(names));
      case JsonScanner.START_OBJECT -> startContainer(false, end - 1);
      case JsonScanner.START_ARRAY -> startContainer(true, end - 1);
      case JsonScanner.END_OBJECT, JsonScanner.END_ARRAY -> endContainer(end);
      default -> scalar(t, p, p.tokenStart(), end);
    }
    lastEnd = end;
    if (!held.isEmpty()) {
      bound(end);
    }
  }

  private void fieldName(FieldName name) throws IOException {
    Frame f = stack[depth - 1];
    if (!f.seen.add(name.name)) {
      // the text JsonMaskingStream reports; never the name itself, which is body content
      throw JsonScanner.malformed("an object has a duplicate key, which clients may read differently");
    }
    f.field = name;
  }

  /** The input ended: fails if it ended inside a value. */
  void finish() throws IOException {
    if (depth != 0 || !held.isEmpty()) {
      throw JsonScanner.malformed("the body ended inside a JSON value");
    }
  }

  // ---- tokens

  private void startContainer(boolean array, long start) throws IOException {
    resolveSlot();
    byte role = slotRole;
    boolean hold = slotHeld;
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
    if (hold) {
      beginHeld(start);
    }
    Frame parent = depth == 0 ? null : stack[depth - 1];
    // beneath a JSON schema (CRDs, OpenAPI) property names describe fields and hold no values,
    // so the sensitive-name rule does not apply
    boolean schema =
        parent != null
            && (parent.schema || (!parent.array && parent.field != null && parent.field.code == FieldName.SCHEMA));
    push(role, array, slotNode, slotInherited, slotBase64);
    stack[depth - 1].schema = schema;
    if (hold) {
      open.get(open.size() - 1).openDepth = depth;
    }
  }

  private void endContainer(long end) throws IOException {
    Frame f = stack[depth - 1];
    if (f.heldCount > 0) {
      f.ending = true;
      resolveHeld(f);
    }
    if (!open.isEmpty() && open.get(open.size() - 1).openDepth == depth) {
      closeHeld(end);
    }
    depth--;
  }

  private void scalar(int t, JsonScanner p, long start, long end) throws IOException {
    resolveSlot();
    boolean hold = slotHeld;
    if (hold) {
      beginHeld(start);
    }
    Frame f = depth == 0 ? null : stack[depth - 1];
    switch (slotAction) {
      case KIND -> {
        detect(t, p, start, end);
        if (t == JsonScanner.STRING) {
          f.kind = kindLetters(p.field(names).name);
          f.kindTrieKnown = false;
          if (f.heldCount > 0) {
            resolveHeld(f);
          }
        }
      }
      case ENV_NAME -> {
        detect(t, p, start, end);
        if (t == JsonScanner.STRING) {
          f.envName = p.field(names);
          f.envNameSeen = true;
          if (f.heldCount > 0) {
            resolveHeld(f);
          }
        }
      }
      case MASK -> mask(t, p, start, end, false);
      case MASK64 -> mask(t, p, start, end, true);
      case MASK_STRING -> {
        if (t == JsonScanner.STRING) {
          mask(t, p, start, end, false);
        }
      }
      default -> {
        if (slotRole == SECRET_DATA) {
          // a Secret's data that is a bare scalar is still the secret
          mask(t, p, start, end, slotBase64);
        } else {
          detect(t, p, start, end);
        }
      }
    }
    if (hold && !open.isEmpty()) {
      closeHeld(end);
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
    slotHeld = false;
    if (depth == 0) {
      if (seed != null) {
        slotRole = seed.role();
        slotAction = seed.action();
        slotNode = seed.node();
        slotInherited = seed.inherited();
        slotBase64 = seed.base64();
      } else {
        slotRole = RESOURCE;
      }
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
    FieldName fn = f.field;
    String n = fn.name;
    FieldPaths.Node node;
    if (f.role == RESOURCE) {
      if (!f.kindTrieKnown) {
        f.kindTrie = trieFor(f.effectiveKind());
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
        if (resourceField(f, fn.code)) {
          return;
        }
      }
      case ROW -> {
        if (fn.code == FieldName.OBJECT) {
          slotRole = RESOURCE;
          return;
        }
      }
      case METADATA -> {
        if (fn.code == FieldName.ANNOTATIONS) {
          slotRole = ANNOTATIONS;
          return;
        }
      }
      case SECRET_DATA -> {
        mask(f.base64);
        return;
      }
      case CONFIGMAP_DATA -> {
        if (fn.sensitive()) {
          mask(f.base64);
        }
        return;
      }
      case ENV_VAR -> {
        if (fn.code == FieldName.NAME) {
          slotAction = ENV_NAME;
          return;
        }
        if (fn.code == FieldName.VALUE) {
          if (!f.envNameSeen) {
            mask(false);
            slotHeld = !f.ending;
          } else if (f.envName.sensitive()) {
            mask(false);
          }
          return;
        }
      }
      case MASK_ALL -> {
        mask(false);
        return;
      }
      case GENERIC -> {
        if (embeddedObjectField(f, fn.code)) {
          return;
        }
      }
      default -> {}
    }
    if (fn.code == FieldName.ENV && profile.envValues) {
      slotRole = ENV_LIST;
    } else if (fn.code == FieldName.METADATA) {
      slotRole = METADATA;
    } else if (profile.fieldNames && !f.schema) {
      switch (fn.fieldSensitivity()) {
        case SensitiveNames.STRINGS -> slotAction = MASK_STRING;
        case SensitiveNames.ANY_VALUE -> {
          slotRole = MASK_ALL;
          slotAction = MASK_STRING;
        }
        default -> {}
      }
    }
  }

  private void mask(boolean base64) {
    slotRole = MASK_ALL;
    slotAction = base64 ? MASK64 : MASK;
  }

  private boolean resourceField(Frame f, int name) {
    String kind = f.effectiveKind();
    switch (name) {
      case FieldName.KIND -> {
        slotAction = KIND;
        return true;
      }
      case FieldName.DATA, FieldName.STRING_DATA, FieldName.BINARY_DATA -> {
        boolean stringData = name == FieldName.STRING_DATA;
        // decided by the object's own kind; until it comes, as a Secret's (unless the list says
        // Secret already, which is what that would be)
        boolean undecided = f.kind == null && !f.ending && !is(f.inheritedKind, "Secret");
        String dataKind = undecided ? null : f.effectiveKind();
        if (profile.secretData
            && (dataKind == null || is(dataKind, "Secret"))) {
          slotRole = SECRET_DATA;
          slotBase64 = !stringData;
          slotHeld = undecided;
          return true;
        }
        if (profile.configMapKeys && !stringData && (dataKind == null || is(dataKind, "ConfigMap"))) {
          slotRole = CONFIGMAP_DATA;
          slotBase64 = name == FieldName.BINARY_DATA;
          slotHeld = undecided;
          return true;
        }
        return false;
      }
      case FieldName.ITEMS -> {
        if (kind == null || endsWith(kind, "List")) {
          slotRole = ITEMS;
          slotInherited =
              kind != null && kind.length() > 4 ? kind.substring(0, kind.length() - 4) : null;
          return true;
        }
        return false;
      }
      case FieldName.ROWS -> {
        if (kind == null || is(kind, "Table")) {
          slotRole = ROWS;
          return true;
        }
        return false;
      }
      case FieldName.OBJECT -> {
        if (kind == null || is(kind, "WatchEvent")) {
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

  /**
   * An object that is not where a Kubernetes object is expected may still be one (a Secret
   * template in a custom resource, a list inside a spec): its {@code kind} is read, and its
   * {@code data} fields are held until the kind is known, read as ordinary fields unless it says
   * Secret or ConfigMap.
   */
  private boolean embeddedObjectField(Frame f, int name) {
    switch (name) {
      case FieldName.KIND -> {
        slotAction = KIND;
        return true;
      }
      case FieldName.DATA, FieldName.STRING_DATA, FieldName.BINARY_DATA -> {
        if (!profile.kindMatters()) {
          return false;
        }
        if (f.kind == null) {
          slotHeld = !f.ending;
          return false;
        }
        boolean stringData = name == FieldName.STRING_DATA;
        if (profile.secretData && is(f.kind, "Secret")) {
          slotRole = SECRET_DATA;
          slotBase64 = !stringData;
          return true;
        }
        if (profile.configMapKeys && !stringData && is(f.kind, "ConfigMap")) {
          slotRole = CONFIGMAP_DATA;
          slotBase64 = name == FieldName.BINARY_DATA;
          return true;
        }
        return false;
      }
      case FieldName.ITEMS -> {
        if (f.kind != null && endsWith(f.kind, "List")) {
          slotRole = ITEMS;
          slotInherited = f.kind.length() > 4 ? f.kind.substring(0, f.kind.length() - 4) : null;
          return true;
        }
        return false;
      }
      default -> {
        return false;
      }
    }
  }

  /**
   * A kind as it is compared: its letters and digits only. Kubernetes kinds hold nothing else, so
   * {@code " Secret"} or {@code "Secret\u200b"} from a hostile or broken server is still a Secret
   * (a client may trim or ignore what we would otherwise let through).
   */
  private static String kindLetters(String kind) {
    for (int i = 0; i < kind.length(); i++) {
      if (!Character.isLetterOrDigit(kind.charAt(i))) {
        StringBuilder b = new StringBuilder(kind.length());
        kind.codePoints().filter(Character::isLetterOrDigit).forEach(b::appendCodePoint);
        return b.toString();
      }
    }
    return kind;
  }

  /** Kinds compare without case: a server (or a proxy in front of one) may spell them any way. */
  private static boolean is(String kind, String expected) {
    return kind != null && kind.equalsIgnoreCase(expected);
  }

  private static boolean endsWith(String kind, String suffix) {
    return kind.regionMatches(true, kind.length() - suffix.length(), suffix, 0, suffix.length());
  }

  /** The profile's trie for a kind; the last one is kept, since a list's items share a kind. */
  private FieldPaths.Node trieFor(String kind) {
    if (kind == null || !kind.equals(lastKind)) {
      lastKindTrie = profile.trieFor(kind);
      lastKind = kind;
    }
    return lastKindTrie;
  }

  private Slot currentSlot() {
    return new Slot(slotRole, slotAction, slotNode, slotInherited, slotBase64);
  }

  private void push(byte role, boolean array, FieldPaths.Node node, String inherited, boolean base64) {
    if (depth == stack.length) {
      stack = Arrays.copyOf(stack, stack.length * 2);
    }
    Frame f = stack[depth];
    if (f == null) {
      f = stack[depth] = new Frame();
    }
    f.reset(role, array, node, inherited, base64);
    depth++;
  }

  // ---- writing

  /** A string not masked by its place: embedded JSON, a Secret manifest in text, detectors. */
  private void detect(int t, JsonScanner p, long start, long end) throws IOException {
    if (t != JsonScanner.STRING) {
      return; // numbers, booleans and null stay as written
    }
    char[] c = p.textChars();
    int len = p.textLength();
    if (profile.embeddedJson && startsLikeJson(c, 0, len)) {
      embedded(p, start, end);
      return;
    }
    if (profile.secretData && len >= 11 && SecretText.declaresSecret(c, 0, len)) {
      // a Secret manifest that is not JSON cannot be masked field by field
      replaceWithToken(start, end, tokens.ofText(p.text()));
      masked[0]++;
      return;
    }
    int which = profile.detectors.triggers(c, 0, len);
    if (which != 0) {
      String m = profile.detectors.mask(new String(c, 0, len), tokens, masked, which);
      if (m != null) {
        replaceWithString(start, end, m);
      }
    }
  }

  private static boolean startsLikeJson(char[] c, int off, int len) {
    for (int i = off; i < off + len; i++) {
      char ch = c[i];
      if (ch == '{' || ch == '[') {
        return true;
      }
      if (!Character.isWhitespace(ch)) {
        return false;
      }
    }
    return false;
  }

  private void mask(int t, JsonScanner p, long start, long end, boolean base64) throws IOException {
    switch (t) {
      case JsonScanner.STRING -> {
        // the token straight from the parser's chars into the quoted replacement: no Strings
        char[] c = p.textChars();
        int len = p.textLength();
        int n = (base64 ? MaskTokens.BASE64_LENGTH : MaskTokens.LENGTH) + 2;
        byte[] quoted = tokens.quoted(n);
        quoted[0] = '"';
        int q = base64 ? tokens.base64Into(c, 0, len, quoted, 1) : tokens.textInto(c, 0, len, quoted, 1);
        quoted[q] = '"';
        sp.replace(start, end, quoted, 0, q + 1);
        masked[0]++;
      }
      case JsonScanner.NUMBER_INT, JsonScanner.NUMBER_FLOAT -> {
        replaceWithToken(start, end, tokens.ofText(p.text()));
        masked[0]++;
      }
      default -> {} // true, false, null hide nothing
    }
  }

  /**
   * JSON held in a string, masked inside with the same rules. Unchanged inside: the string keeps
   * its bytes. Unparsable, too long or too deeply embedded: masked whole, since it may hold
   * anything.
   */
  private void embedded(JsonScanner p, long start, long end) throws IOException {
    if (embedLevel + 1 >= MAX_EMBED_LEVEL || end - start > limits.maxEmbeddedChars()) {
      replaceWithToken(start, end, tokens.ofText(p.text()));
      masked[0]++;
      return;
    }
    int len = p.textLength();
    if (embedSrc.length < Utf8.maxLength(len)) {
      byte[] bigger = SpareBuffers.PARTS.take(Math.max(Utf8.maxLength(len), embedSrc.length * 2));
      SpareBuffers.PARTS.give(embedSrc);
      embedSrc = bigger;
    }
    int n = Utf8.encode(p.textChars(), 0, len, embedSrc);
    int before = masked[0];
    int out;
    try {
      out = maskPart(embedSrc, n, null, embedLevel + 1, true);
    } catch (IOException | RuntimeException e) {
      masked[0] = before + 1;
      replaceWithToken(start, end, tokens.ofText(p.text()));
      return;
    }
    if (out >= 0) {
      replaceWithUtf8String(start, end, partOut.room(0), out);
    }
  }

  /**
   * Masks {@code src[0, n)} on its own, as a value of {@code seed} (or as Kubernetes objects),
   * into {@link #partOut}, and returns the output's length there; {@code -1} when {@code
   * onlyIfChanged} and nothing changed.
   */
  private int maskPart(byte[] src, int n, Slot seed, int level, boolean onlyIfChanged) throws IOException {
    // reused: this engine's parts are masked one at a time, and the result is used before the next
    ChunkOutput o = partOut == null ? (partOut = new ChunkOutput(null, SpareBuffers.PARTS)) : partOut;
    o.size(0);
    JsonMaskEngine sub;
    if (part == null) {
      sub = part = new JsonMaskEngine(profile, tokens, new Splice(src, n, o), limits, level, seed);
    } else {
      part.sp.over(src, n);
      sub = part.reuse(level, seed);
    }
    Splice s = sub.sp;
    if (seed == null) {
      parseEmbedded(sub, src, n);
    } else {
      parseAlone(sub, src, n);
    }
    sub.finish();
    s.copyTo(n);
    masked[0] += sub.masked[0];
    if (onlyIfChanged && (s.edits() == 0 || Arrays.equals(o.room(0), 0, o.size(), src, 0, n))) {
      return -1;
    }
    return o.size();
  }

  /**
   * Feeds JSON held in a string (an object or array, as {@link #startsLikeJson} found) to
   * {@code sub}. The value must be exactly one object or array, with only whitespace around it.
   */
  private void parseEmbedded(JsonMaskEngine sub, byte[] src, int n) throws IOException {
    JsonScanner ep = partScanner(src, n);
    int open = 0;
    boolean closed = false;
    int t;
    while ((t = ep.next()) != JsonScanner.END) {
      boolean opens = t == JsonScanner.START_OBJECT || t == JsonScanner.START_ARRAY;
      if (closed || (open == 0 && !opens)) {
        throw JsonScanner.malformed("JSON in a string holds more than one object or array");
      }
      open += opens ? 1 : t == JsonScanner.END_OBJECT || t == JsonScanner.END_ARRAY ? -1 : 0;
      sub.onToken(t, ep, ep.tokenEnd());
      closed = open == 0;
    }
  }

  /** Parses a held value's bytes (any one JSON value) on their own. */
  private void parseAlone(JsonMaskEngine sub, byte[] src, int n) throws IOException {
    JsonScanner ep = partScanner(src, n);
    int t;
    while ((t = ep.next()) != JsonScanner.END) {
      sub.onToken(t, ep, ep.tokenEnd());
    }
  }

  /**
   * This engine's scanner for parts, started over on {@code src[0, n)}: a list of 500 objects each
   * with a {@code last-applied-configuration} would otherwise build 500 of them.
   */
  private JsonScanner partScanner(byte[] src, int n) {
    JsonScanner ep = partScanner != null ? partScanner : (partScanner = new JsonScanner(limits.maxHeldChars(), limits.maxDepth()));
    ep.restart();
    ep.input(src, 0, n);
    ep.endOfInput();
    return ep;
  }

  /** Hands the held string's bytes, the part's output and text buffer to the spares; the engine is done. */
  void close() {
    if (partScanner != null) {
      partScanner.release();
    }
    if (part != null) {
      part.close();
    }
    SpareBuffers.PARTS.give(embedSrc);
    embedSrc = NO_BYTES;
    if (partOut != null) {
      partOut.release();
    }
    SPARE_FRAMES.give(stack);
    stack = NO_FRAMES; // closing twice gives nothing twice
  }

  private void replaceWithToken(long start, long end, String ascii) {
    int n = ascii.length() + 2;
    byte[] quoted = tokens.quoted(n);
    quoted[0] = '"';
    for (int i = 0; i < ascii.length(); i++) {
      quoted[i + 1] = (byte) ascii.charAt(i);
    }
    quoted[n - 1] = '"';
    sp.replace(start, end, quoted, 0, n);
  }

  private void replaceWithString(long start, long end, String s) throws IOException {
    sp.copyTo(start);
    quoter().string(s);
    sp.replacedTo(end);
  }

  /** {@link #replaceWithString} for a string already in UTF-8: the embedded JSON the masker rewrote. */
  private void replaceWithUtf8String(long start, long end, byte[] utf8, int n) throws IOException {
    sp.copyTo(start);
    quoter().stringFromUtf8(utf8, 0, n);
    sp.replacedTo(end);
  }

  /** Writes a string straight into the output, where the span it replaces would have been copied. */
  private CompactJsonWriter quoter() {
    if (quoter == null) {
      quoter = new CompactJsonWriter(sp.out);
    }
    return quoter;
  }

  // ---- holding values whose decision may still change

  private void beginHeld(long start) {
    Frame owner = stack[depth - 1];
    sp.copyTo(start);
    Held h = new Held();
    h.owner = owner;
    h.field = owner.field;
    h.decided = currentSlot();
    h.rawStart = start;
    h.outStart = sp.out.size();
    h.maskedAtStart = masked[0];
    held.add(h);
    owner.heldCount++;
    open.add(h);
  }

  private void closeHeld(long end) {
    Held h = open.remove(open.size() - 1);
    sp.copyTo(end);
    h.rawEnd = end;
    h.outEnd = sp.out.size();
    h.maskedInside = masked[0] - h.maskedAtStart;
  }

  /** Re-decides the values {@code f} holds, now that its kind or name is known or it ended. */
  private void resolveHeld(Frame f) throws IOException {
    for (int i = 0; i < held.size(); ) {
      Held h = held.get(i);
      if (h.owner != f || h.rawEnd < 0) {
        i++;
        continue;
      }
      held.remove(i);
      f.heldCount--;
      f.field = h.field;
      resolveSlot();
      Slot now = currentSlot();
      if (now.equals(h.decided)) {
        continue;
      }
      masked[0] -= h.maskedInside;
      byte[] raw = sp.slice(h.rawStart, h.rawEnd);
      maskPart(raw, raw.length, now, embedLevel, false);
      byte[] again = partOut.toByteArray();
      sp.out.replace(h.outStart, h.outEnd, again);
      int delta = again.length - (h.outEnd - h.outStart);
      for (Held later : held) {
        if (later.outStart >= h.outEnd) {
          later.outStart += delta;
          later.outEnd += delta;
        }
      }
    }
  }

  /** Past the bound, what was written conservatively stands and output flows again. */
  private void bound(long end) {
    long holding = end - held.get(0).rawStart + sp.out.size();
    if (holding > limits.maxHeldChars()) {
      for (Held h : held) {
        h.owner.heldCount = 0;
      }
      held.clear();
      open.clear();
    }
  }
}
