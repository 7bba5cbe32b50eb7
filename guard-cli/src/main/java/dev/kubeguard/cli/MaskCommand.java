package dev.kubeguard.cli;

import dev.kubeguard.api.AccessRequest;
import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.CallContext;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.MaskingContext;
import dev.kubeguard.api.spi.MaskingException;
import dev.kubeguard.api.spi.MaskingStream;
import dev.kubeguard.core.mask.DefaultMasker;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * {@code kubeguard mask}: masks a Kubernetes response read from stdin to stdout, streaming, with
 * the same {@link DefaultMasker} the Guard uses. For users who want to share a capture, and for
 * checking what the masker does to one. Exits 0 when the whole input was masked, 1 when it could
 * not be read (what was printed before that point was already masked), 2 on bad arguments.
 */
final class MaskCommand implements Command {

  private static final String HELP =
      """
      usage: kubeguard mask [--profile P] [--content-type T] [--watch]
        Masks a Kubernetes response on stdin and writes it to stdout as it streams:
        a JSON object, a list, an as=Table response, a watch stream, or text (pod logs).
        --profile P        masking profile: default (the default) or none
        --content-type T   the response's Content-Type (default application/json;
                           text/plain for logs; ...;stream=watch for watch streams)
        --watch            the input is a watch stream (one JSON event per line)
        Masked values become kubeguard-masked:<hash>, keyed by a random key made for
        this run: equal secrets give equal tokens within one run, never across runs.
        Input it cannot read (protobuf, CBOR, YAML, broken JSON) stops the output
        and exits 1.
      """;

  @Override
  public String name() {
    return "mask";
  }

  @Override
  public String usage() {
    return "mask [--profile P] [--content-type T] [--watch]   mask secrets in a response on stdin";
  }

  @Override
  public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception {
    String profile = "default";
    String contentType = "application/json";
    boolean watch = false;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--help", "-h" -> {
          out.print(HELP);
          return 0;
        }
        case "--watch" -> watch = true;
        case "--profile", "--content-type" -> {
          if (i + 1 >= args.size()) {
            err.println("kubeguard mask: " + a + " needs a value (try --help)");
            return 2;
          }
          String v = args.get(++i);
          if (a.equals("--profile")) {
            profile = v;
          } else {
            contentType = v;
          }
        }
        default -> {
          err.println("kubeguard mask: unknown option '" + a + "' (try --help)");
          return 2;
        }
      }
    }
    if (watch && !contentType.contains("stream=watch")) {
      contentType = contentType + ";stream=watch";
    }
    DefaultMasker masker = DefaultMasker.builder().randomKey().build();
    AccessRequest request =
        AccessRequest.forAttributes(
            Identity.of("kubeguard-cli"),
            Attributes.resource(watch ? "watch" : "get", "", "v1", "", "", "", ""),
            CallContext.forTool("kubeguard mask", ""));
    try {
      MaskingStream stream =
          masker.open(
              new MaskingContext(profile, contentType, request),
              chunk -> {
                if (chunk.hasArray()) {
                  out.write(chunk.array(), chunk.arrayOffset() + chunk.position(), chunk.remaining());
                  chunk.position(chunk.limit());
                } else {
                  byte[] b = new byte[chunk.remaining()];
                  chunk.get(b);
                  out.write(b);
                }
                if (out.checkError()) {
                  throw new java.io.IOException("stdout closed");
                }
              });
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        stream.write(ByteBuffer.wrap(buf, 0, n));
        out.flush();
      }
      stream.finish();
      out.flush();
      err.println("kubeguard mask: " + stream.maskedCount() + " value(s) masked");
      return 0;
    } catch (MaskingException e) {
      out.flush();
      err.println("kubeguard mask: cannot mask this input: " + e.getMessage());
      return 1;
    }
  }
}
