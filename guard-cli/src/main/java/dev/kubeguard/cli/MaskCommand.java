package dev.kubeguard.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.ChunkSink;
import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import dev.kubeguard.core.mask.DefaultMasker;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code kubeguard mask}: masks Kubernetes responses (JSON, watch streams, logs, or YAML) read
 * from files or stdin to stdout, with the same {@link DefaultMasker} the Guard uses. For users who
 * want to share a capture, and for checking what the masker does to one. JSON and text stream in
 * constant memory; YAML is read one document at a time. Exits 0 when everything was masked, 2 on
 * bad arguments or input it cannot read (what was printed before that point was already masked).
 */
final class MaskCommand implements Command {

  private static final Args.Spec SPEC = Args.Spec.of(
      Set.of("--profile", "--content-type", "--output"), Set.of("--watch"), Map.of("-o", "--output"));

  private static final Set<String> YAML_TYPES = Set.of("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml");
  // A first line such as "apiVersion: v1", "- name: x" or "---": what kubectl get -o yaml starts with.
  private static final Pattern YAML_START = Pattern.compile("(?s)\\A(?:---.*|-\\s.*|[A-Za-z_\"'][^:\\n]*:(?:\\s.*|\\z))");
  private static final YAMLMapper YAML = new YAMLMapper();

  private static final String HELP =
      """
      usage: kubeguard mask [--profile P] [--content-type T] [--watch] [-o json|yaml] [FILE...]
        Masks Kubernetes responses and writes them to stdout: a JSON object, a list, an
        as=Table response, a watch stream, text (pod logs), or YAML (kubectl get -o yaml).
        Reads each FILE in order, or stdin when none is given (or for "-").
        --profile P        masking profile: default (the default) or none
        --content-type T   what the input is, for every FILE: application/json, text/plain
                           (logs), application/yaml, or ...;stream=watch for watch streams.
                           Without it: .yaml/.yml files are YAML, .json/.jsonl JSON, .log/.txt
                           text; otherwise input starting with '{' or '[' is JSON and input
                           starting like YAML ("apiVersion: v1", "---", "- ") is YAML
        --watch            the JSON input is a watch stream (one JSON event per line)
        -o, --output F     json or yaml; default: the input's own format. JSON and text are
                           masked as they stream; YAML is read (and JSON written as YAML) one
                           document at a time, each document in memory
        Masked values become kubeguard-masked:<hash>, keyed by a random key made for
        this run: equal secrets give equal tokens within one run (across all FILEs),
        never across runs.
        Input it cannot read (protobuf, CBOR, broken JSON or YAML) stops the output
        and exits 2; what was already printed is masked.
      """ + EXIT_CODES;

  @Override
  public String name() {
    return "mask";
  }

  @Override
  public String usage() {
    return "mask [--profile P] [--content-type T] [--watch] [-o json|yaml] [FILE...]   mask secrets in JSON, YAML, watch streams or logs";
  }

  @Override
  public String help() {
    return HELP;
  }

  private enum Format { JSON, YAML, TEXT, OTHER }

  @Override
  public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err) throws Exception {
    Args args;
    String profile;
    String contentType;
    String output;
    try {
      args = Args.parse(argv, SPEC);
      profile = Optional.ofNullable(args.one("--profile")).orElse("default");
      contentType = args.one("--content-type");
      output = args.one("--output");
      if (output != null && !output.equals("json") && !output.equals("yaml")) {
        throw new Args.UsageException("--output must be json or yaml, got '" + output + "'");
      }
      for (String f : args.operands()) {
        if (!f.equals("-") && !Files.isReadable(Path.of(f))) {
          throw new Args.UsageException("cannot read " + f + (Files.exists(Path.of(f)) ? "" : ": no such file"));
        }
      }
    } catch (Args.UsageException e) {
      err.println("kubeguard mask: " + e.getMessage() + " (try --help)");
      return ERROR;
    }
    if (args.help()) {
      out.print(HELP);
      return OK;
    }
    boolean watch = args.flag("--watch");
    DefaultMasker masker = DefaultMasker.builder().randomKey().build();
    AccessRequest request =
        AccessRequest.forAttributes(
            Identity.of("kubeguard-cli"),
            Attributes.resource(watch ? "watch" : "get", "", "v1", "", "", "", ""),
            CallContext.forTool("kubeguard mask", ""));
    List<String> sources = args.operands().isEmpty() ? List.of("-") : args.operands();
    int masked = 0;
    for (String source : sources) {
      String name = source.equals("-") ? "stdin" : source;
      try (InputStream raw = source.equals("-") ? in : Files.newInputStream(Path.of(source))) {
        BufferedInputStream input = new BufferedInputStream(raw, 64 * 1024);
        String type = contentType != null ? contentType : guessType(source, input);
        if (type == null) {
          out.flush();
          err.println("kubeguard mask: cannot tell what " + name + " is: give --content-type "
              + "(application/json, application/yaml, or text/plain for logs)");
          return ERROR;
        }
        if (watch && formatOf(type) == Format.JSON && !type.contains("stream=watch")) {
          type = type + ";stream=watch";
        }
        Format format = formatOf(type);
        MaskingContext context = new MaskingContext(profile, format == Format.YAML ? "application/json" : type, request);
        masked += format == Format.YAML
            ? maskYaml(masker, context, input, out, !"json".equals(output))
            : maskStream(masker, context, input, out, format == Format.JSON && "yaml".equals(output));
      } catch (MaskingException e) {
        out.flush();
        err.println("kubeguard mask: cannot mask this input (" + name + "): " + e.getMessage());
        return ERROR;
      } catch (JsonProcessingException e) {
        // Parser messages may quote the input, and the input holds secrets: say where, not what.
        out.flush();
        JsonLocation at = e.getLocation();
        err.println("kubeguard mask: cannot mask this input (" + name + "): not valid YAML or JSON"
            + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + "; output stopped");
        return ERROR;
      }
    }
    out.flush();
    err.println("kubeguard mask: " + masked + " value(s) masked");
    return OK;
  }

  private static Format formatOf(String contentType) {
    String base = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (YAML_TYPES.contains(base)) {
      return Format.YAML;
    }
    if (base.equals("application/json")) {
      return Format.JSON;
    }
    return base.equals("text/plain") ? Format.TEXT : Format.OTHER;
  }

  // By file name first, then by the first bytes; null when it cannot tell.
  private static String guessType(String source, BufferedInputStream in) throws IOException {
    String lower = source.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
      return "application/yaml";
    }
    if (lower.endsWith(".json") || lower.endsWith(".jsonl") || lower.endsWith(".ndjson") || lower.endsWith(".jsonstream")) {
      return "application/json";
    }
    if (lower.endsWith(".log") || lower.endsWith(".txt")) {
      return "text/plain";
    }
    in.mark(4096);
    byte[] head = in.readNBytes(4096);
    in.reset();
    String text = new String(head, StandardCharsets.UTF_8);
    String start = text.stripLeading();
    // Skip comment lines, which YAML allows before the first document.
    while (start.startsWith("#")) {
      int nl = start.indexOf('\n');
      start = nl < 0 ? "" : start.substring(nl + 1).stripLeading();
    }
    if (start.isEmpty()) {
      return head.length == 0 || text.isBlank() ? "application/json" : null;
    }
    char c = start.charAt(0);
    if (c == '{' || c == '[') {
      return "application/json";
    }
    int nl = start.indexOf('\n');
    String firstLine = nl < 0 ? start : start.substring(0, nl);
    return YAML_START.matcher(firstLine).matches() ? "application/yaml" : null;
  }

  private static int maskStream(DefaultMasker masker, MaskingContext context, InputStream in, PrintStream out, boolean toYaml)
      throws IOException, MaskingException {
    ByteArrayOutputStream held = toYaml ? new ByteArrayOutputStream() : null;
    MaskingStream stream = masker.open(context, sink(toYaml ? held : out, out));
    byte[] buf = new byte[64 * 1024];
    int n;
    while ((n = in.read(buf)) > 0) {
      stream.write(ByteBuffer.wrap(buf, 0, n));
      out.flush();
    }
    stream.finish();
    if (toYaml) {
      writeYaml(held.toByteArray(), out);
    }
    out.flush();
    return stream.maskedCount();
  }

  // Masks each YAML document as the JSON object it is, then writes it back as YAML (or JSON lines).
  private static int maskYaml(DefaultMasker masker, MaskingContext context, InputStream in, PrintStream out, boolean toYaml)
      throws IOException, MaskingException {
    int masked = 0;
    try (JsonParser parser = YAML.getFactory().createParser(in);
        MappingIterator<JsonNode> docs = YAML.readValues(parser, JsonNode.class)) {
      while (docs.hasNextValue()) {
        JsonNode doc = docs.nextValue();
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        byte[] json = JsonLines.JSON.writeValueAsBytes(doc);
        ByteArrayOutputStream held = new ByteArrayOutputStream(json.length + 64);
        MaskingStream stream = masker.open(context, sink(toYaml ? held : out, out));
        stream.write(ByteBuffer.wrap(json));
        stream.finish();
        masked += stream.maskedCount();
        if (toYaml) {
          writeYaml(held.toByteArray(), out);
        } else {
          out.println();
        }
        out.flush();
      }
    }
    return masked;
  }

  private static void writeYaml(byte[] maskedJson, PrintStream out) throws IOException {
    List<JsonNode> values = new ArrayList<>();
    try (MappingIterator<JsonNode> it = JsonLines.JSON.readerFor(JsonNode.class).readValues(maskedJson)) {
      while (it.hasNextValue()) {
        values.add(it.nextValue());
      }
    }
    try (SequenceWriter w = YAML.writer().without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)
        .writeValues(nonClosing(out))) {
      w.writeAll(values);
    }
  }

  private static OutputStream nonClosing(PrintStream out) {
    return new OutputStream() {
      @Override
      public void write(int b) {
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        out.write(b, off, len);
      }

      @Override
      public void flush() {
        out.flush();
      }
    };
  }

  private static ChunkSink sink(OutputStream target, PrintStream out) {
    return chunk -> {
      if (chunk.hasArray()) {
        target.write(chunk.array(), chunk.arrayOffset() + chunk.position(), chunk.remaining());
        chunk.position(chunk.limit());
      } else {
        byte[] b = new byte[chunk.remaining()];
        chunk.get(b);
        target.write(b);
      }
      if (out.checkError()) {
        throw new IOException("stdout closed");
      }
    };
  }
}
