package dev.kubeguard.cli;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.File;
import java.io.IOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The cluster the kubectl flags point at, and the ApprovalRequest objects in one of its
 * namespaces. The kubeconfig is read as kubectl reads it (fabric8's loader: tokens, exec credential
 * plugins, auth-provider tokens, client certificates); {@code --token} replaces the user's
 * credential. Not thread-safe; close it to release the HTTP client.
 *
 * <p>Failure: a kubeconfig that cannot be used (missing file, unknown context, no current context)
 * is an {@link Args.UsageException}; a cluster that cannot be read is a
 * {@link KubernetesClientException}, which {@link #explain} turns into words.
 */
final class Cluster implements AutoCloseable {

  static final ResourceDefinitionContext APPROVAL_REQUESTS = new ResourceDefinitionContext.Builder()
      .withGroup("kubeguard.dev").withVersion("v1alpha1").withPlural("approvalrequests").withKind("ApprovalRequest")
      .withNamespaced(true).build();

  private final Config config;
  private final String namespace;
  private final String contextName;
  private KubernetesClient client;

  private Cluster(Config config, String namespace, String contextName) {
    this.config = config;
    this.namespace = namespace;
    this.contextName = contextName;
  }

  static Cluster connect(ClusterFlags flags) throws Args.UsageException {
    Config config;
    String source;
    try {
      if (flags.kubeconfig() != null) {
        File file = new File(flags.kubeconfig());
        if (!file.isFile()) {
          throw new Args.UsageException("--kubeconfig " + flags.kubeconfig() + ": no such file");
        }
        config = Config.fromKubeconfig(flags.context(), file);
        source = flags.kubeconfig();
      } else {
        config = Config.autoConfigure(flags.context());
        source = String.join(":", Config.getKubeconfigFilenames());
      }
    } catch (KubernetesClientException | IllegalArgumentException e) {
      throw new Args.UsageException("cannot load the kubeconfig: " + rootMessage(e));
    }
    List<String> contexts = config.getContexts() == null ? List.of()
        : config.getContexts().stream().map(NamedContext::getName).toList();
    if (flags.context() != null && !contexts.contains(flags.context())) {
      throw new Args.UsageException("context \"" + flags.context() + "\" is not in the kubeconfig"
          + (source.isEmpty() ? "" : " (" + source + ")"));
    }
    if (flags.kubeconfig() != null && config.getCurrentContext() == null) {
      throw new Args.UsageException("the kubeconfig " + flags.kubeconfig() + " has no current-context: pass --context");
    }
    String context = config.getCurrentContext() == null ? "" : config.getCurrentContext().getName();
    if (flags.token() != null) {
      config.setOauthToken(flags.token());
    }
    int millis = (int) Math.min(Integer.MAX_VALUE, flags.requestTimeout().toMillis());
    config.setRequestTimeout(millis);
    config.setConnectionTimeout(millis);
    // One answer per request, as kubectl: no silent retries behind a timeout the user chose.
    config.setRequestRetryBackoffLimit(0);
    String ns = flags.namespace() != null ? flags.namespace()
        : config.getNamespace() == null || config.getNamespace().isBlank() ? "default" : config.getNamespace();
    return new Cluster(config, ns, context);
  }

  /** The namespace the ApprovalRequests are read from: {@code -n}, else the context's, else {@code default}. */
  String namespace() {
    return namespace;
  }

  /** The API server's URL, for messages. */
  String server() {
    return config.getMasterUrl();
  }

  /**
   * The bearer token that proves the approver to the approval server: {@code --token}, else the
   * kubeconfig user's token (static, from an exec plugin or an auth provider).
   *
   * @throws Args.UsageException when the user has none, naming why and what to pass instead
   */
  String approverToken() throws Args.UsageException {
    for (String t : new String[] {config.getOauthToken(), config.getAutoOAuthToken()}) {
      if (t != null && !t.isBlank()) {
        return t;
      }
    }
    String user = contextName.isEmpty() ? "the kubeconfig user" : "the kubeconfig user of context \"" + contextName + "\"";
    if (present(config.getClientCertFile()) || present(config.getClientCertData())) {
      throw new Args.UsageException(user + " signs in with a client certificate only, which cannot prove who you are to "
          + "the approval server (it takes a bearer token): pass --token with a token of yours (your OIDC id token, "
          + "or a Kubernetes token the approval server can review)");
    }
    if (present(config.getUsername())) {
      throw new Args.UsageException(user + " signs in with a user name and password, which cannot prove who you are "
          + "to the approval server (it takes a bearer token): pass --token");
    }
    throw new Args.UsageException(user + " has no token to prove who you are to the approval server: pass --token");
  }

  /** Every ApprovalRequest in the namespace, newest first. */
  List<ApprovalView> list(Instant now) {
    return client().genericKubernetesResources(APPROVAL_REQUESTS).inNamespace(namespace).list().getItems().stream()
        .map(o -> ApprovalView.read(o, now))
        .sorted(Comparator.comparing(ApprovalView::requestedAt).reversed().thenComparing(ApprovalView::id))
        .toList();
  }

  /** The ApprovalRequest named {@code id}, or {@code null} when there is none. */
  ApprovalView find(String id, Instant now) {
    GenericKubernetesResource o = client().genericKubernetesResources(APPROVAL_REQUESTS).inNamespace(namespace)
        .withName(id).get();
    return o == null ? null : ApprovalView.read(o, now);
  }

  /** What went wrong reading the cluster, in words that say what to do. */
  String explain(KubernetesClientException e, String doing) {
    String where = " in namespace " + namespace;
    return switch (e.getCode()) {
      case 401 -> "the cluster at " + server() + " did not accept the credentials (401): log in again or pass --token";
      case 403 -> "forbidden to " + doing + " approvalrequests.kubeguard.dev" + where + " (403): approvers need the "
          + "kubeguard-approver Role (get, list, watch, approve) there";
      case 404 -> "the cluster at " + server() + " does not serve approvalrequests.kubeguard.dev/v1alpha1" + where
          + " (404): install the CRD shipped in guard-kubernetes-approver (META-INF/kubeguard/)";
      default -> e.getCode() <= 0
          ? "cannot reach the cluster at " + server() + ": " + rootMessage(e)
          : "the cluster at " + server() + " answered " + e.getCode() + " to " + doing + where + ": "
              + (e.getStatus() != null && e.getStatus().getMessage() != null
                  ? Printable.line(e.getStatus().getMessage()) : rootMessage(e));
    };
  }

  private KubernetesClient client() {
    if (client == null) {
      client = new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory()).build();
    }
    return client;
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }

  private static String rootMessage(Throwable e) {
    // fabric8's own message names the operation, not what happened; the causes below it do
    // (connection refused, unknown host), by message or, when the JDK gives none, by their type.
    String type = null;
    for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return Printable.line(t.getMessage());
      }
      if (type == null && t.getClass() != IOException.class) {
        type = t.getClass().getSimpleName();
      }
    }
    return Printable.line(type != null ? type : String.valueOf(e.getMessage()));
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
  }
}
