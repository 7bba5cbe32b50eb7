package dev.kubeguard.audit.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * Parses the kubeconfig subset an audit webhook file uses (YAML or JSON): {@code clusters[].cluster}
 * ({@code server}, {@code certificate-authority}, {@code certificate-authority-data}) and
 * {@code users[].user} ({@code client-certificate(-data)}, {@code client-key(-data)},
 * {@code token}, {@code tokenFile}). Anything that would weaken or bypass TLS, or run code, is
 * refused rather than ignored. Stateless.
 */
final class KubeconfigReader {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private KubeconfigReader() {}

  static WebhookConfig read(Path file) {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read webhook kubeconfig " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file + " is not a kubeconfig (expected a YAML mapping)");
    }
    Path dir = file.toAbsolutePath().getParent();
    String where = "webhook kubeconfig " + file;
    String contextName = root.path("current-context").asText("");
    String clusterName = null;
    String userName = null;
    if (!contextName.isEmpty()) {
      JsonNode ctx = named(root.path("contexts"), contextName, "context");
      if (ctx == null) {
        throw new IllegalArgumentException(where + ": current-context '" + contextName + "' is not in contexts");
      }
      clusterName = ctx.path("cluster").asText("");
      userName = ctx.path("user").asText("");
    }
    JsonNode cluster = pick(root.path("clusters"), clusterName, "cluster", where);
    if (cluster == null) {
      throw new IllegalArgumentException(where + ": no cluster (clusters[].cluster.server names the endpoint)");
    }
    JsonNode user = pick(root.path("users"), userName, "user", where);
    if (user == null) {
      user = YAML.createObjectNode();
    }
    refuse(cluster, "insecure-skip-tls-verify", where + ": insecure-skip-tls-verify is refused: give the server's CA in certificate-authority(-data)");
    refuse(cluster, "proxy-url", where + ": proxy-url is not supported");
    refuse(cluster, "tls-server-name", where + ": tls-server-name is not supported: use a server URL whose host the certificate names");
    for (String f : List.of("exec", "auth-provider", "username", "password", "as", "as-groups", "impersonate")) {
      refuse(user, f, where + ": users[].user." + f + " is not supported: use a client certificate or a token");
    }

    String server = cluster.path("server").asText("");
    if (server.isEmpty()) {
      throw new IllegalArgumentException(where + ": clusters[].cluster.server is missing");
    }
    URI uri;
    try {
      uri = new URI(server);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(where + ": server '" + server + "' is not a URL", e);
    }
    byte[] ca = bytes(cluster, "certificate-authority", dir, where);
    List<X509Certificate> cas = ca == null ? List.of() : Pem.certificates(ca, where + " certificate-authority");
    byte[] cert = bytes(user, "client-certificate", dir, where);
    byte[] key = bytes(user, "client-key", dir, where);
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException(where + ": client-certificate and client-key go together: set both or neither");
    }
    List<X509Certificate> chain = cert == null ? List.of() : Pem.certificates(cert, where + " client-certificate");
    PrivateKey privateKey = key == null ? null : Pem.privateKey(key, where + " client-key");
    String token = user.path("token").asText("");
    String tokenFile = user.path("tokenFile").asText("");
    if (token.isEmpty() && !tokenFile.isEmpty()) {
      try {
        token = Files.readString(dir.resolve(tokenFile), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException(where + ": cannot read tokenFile " + tokenFile, e);
      }
    }
    try {
      return new WebhookConfig(uri, cas, chain, privateKey, token.isEmpty() ? null : token);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  /** The entry named {@code name}, or the only one when no name is given. */
  private static JsonNode pick(JsonNode list, String name, String kind, String where) {
    if (name != null && !name.isEmpty()) {
      JsonNode n = named(list, name, kind);
      if (n == null) {
        throw new IllegalArgumentException(where + ": the current context names " + kind + " '" + name + "', which is not in " + kind + "s");
      }
      return n;
    }
    if (!list.isArray() || list.isEmpty()) {
      return null;
    }
    if (list.size() > 1) {
      throw new IllegalArgumentException(where + ": several " + kind + "s and no current-context: set current-context");
    }
    return list.get(0).path(kind);
  }

  private static JsonNode named(JsonNode list, String name, String kind) {
    for (JsonNode e : list) {
      if (name.equals(e.path("name").asText())) {
        return e.path(kind);
      }
    }
    return null;
  }

  private static void refuse(JsonNode n, String field, String message) {
    JsonNode v = n.get(field);
    if (v != null && !v.isNull() && !(v.isBoolean() && !v.asBoolean()) && !(v.isTextual() && v.asText().isEmpty())) {
      throw new IllegalArgumentException(message);
    }
  }

  /** {@code <field>-data} (base64) or the file {@code <field>} names; null when neither is set. */
  private static byte[] bytes(JsonNode n, String field, Path dir, String where) {
    String data = n.path(field + "-data").asText("");
    if (!data.isEmpty()) {
      try {
        return Base64.getMimeDecoder().decode(data);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + field + "-data is not base64", e);
      }
    }
    String path = n.path(field).asText("");
    if (path.isEmpty()) {
      return null;
    }
    try {
      return Files.readAllBytes(dir.resolve(path));
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": cannot read " + field + " " + path + ": " + e.getMessage(), e);
    }
  }
}
