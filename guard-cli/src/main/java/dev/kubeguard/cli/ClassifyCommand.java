package dev.kubeguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kubeguard.api.KubeRequest;
import dev.kubeguard.api.RequestInfo;
import dev.kubeguard.core.classify.ClassificationException;
import dev.kubeguard.core.classify.RequestClassifier;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code kubeguard classify}: kube-apiserver's RequestInfo for each request line. A request the
 * apiserver itself would reject answers {@code {"error": ..., "code": 400|500}}: a valid answer,
 * not a failed line.
 */
final class ClassifyCommand implements Command {

  private final RequestClassifier classifier = RequestClassifier.standard();

  @Override
  public String name() {
    return "classify";
  }

  @Override
  public String usage() {
    return "classify            JSON lines {\"method\",\"url\",\"headers\"?} on stdin -> kube-apiserver RequestInfo per line";
  }

  @Override
  public String help() {
    return """
        usage: kubeguard classify < requests.jsonl
          Reads one request per line, {"method":"GET","url":"/api/v1/...","headers":{...}},
          and prints kube-apiserver's RequestInfo for it, one JSON object per line, with the
          fields of RequestInfoFactory.NewRequestInfo (isResourceRequest, path, verb, apiPrefix,
          apiGroup, apiVersion, namespace, resource, subresource, name, parts, fieldSelector,
          labelSelector). The URL is read as the server reads it: percent-decoded once, then split.
          A request the server itself rejects answers {"error":..., "code":400|500} (not a failure);
          a line that is not such a request answers {"error":..., "line":n} and processing goes on.
        """ + EXIT_CODES;
  }

  @Override
  public int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception {
    Args parsed;
    try {
      parsed = Args.parse(args, Args.Spec.of(java.util.Set.of(), java.util.Set.of()));
      if (!parsed.operands().isEmpty()) {
        throw new Args.UsageException("takes no arguments; it reads JSON lines on stdin");
      }
    } catch (Args.UsageException e) {
      err.println("kubeguard classify: " + e.getMessage() + " (try --help)");
      return ERROR;
    }
    if (parsed.help()) {
      out.print(help());
      return OK;
    }
    return JsonLines.process(in, out, line -> {
      KubeRequest request = Requests.from(line);
      try {
        return write(classifier.classify(request.method(), request.uri()));
      } catch (ClassificationException e) {
        ObjectNode n = JsonLines.JSON.createObjectNode();
        n.put("error", e.getMessage());
        n.put("code", e.httpStatus());
        return n;
      }
    });
  }

  static ObjectNode write(RequestInfo i) {
    ObjectNode n = JsonLines.JSON.createObjectNode();
    n.put("isResourceRequest", i.isResourceRequest());
    n.put("path", i.path());
    n.put("verb", i.verb());
    n.put("apiPrefix", i.apiPrefix());
    n.put("apiGroup", i.apiGroup());
    n.put("apiVersion", i.apiVersion());
    n.put("namespace", i.namespace());
    n.put("resource", i.resource());
    n.put("subresource", i.subresource());
    n.put("name", i.name());
    i.parts().forEach(n.putArray("parts")::add);
    n.put("fieldSelector", i.fieldSelector());
    n.put("labelSelector", i.labelSelector());
    return n;
  }
}
