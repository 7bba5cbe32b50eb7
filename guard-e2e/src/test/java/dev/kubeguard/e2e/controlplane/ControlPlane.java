package dev.kubeguard.e2e.controlplane;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;

/**
 * A real Kubernetes control plane, etcd and kube-apiserver from an envtest assets folder, on free
 * loopback ports: RBAC on, static token users {@link #admin()} (in {@code system:masters}),
 * {@link #developer()} and {@link #approver()}, and the server's own audit log at
 * {@code RequestResponse} level ({@link #auditLog()}). All its files live in a fresh temporary
 * directory, removed by {@link #close()}.
 *
 * <p>Thread-safe once started. Failure: {@link #start} stops whatever it started and throws an
 * {@link IllegalStateException} carrying the last 40 lines of the failing server's log.
 * {@link #close()} is idempotent and safe from a shutdown hook.
 */
public final class ControlPlane implements AutoCloseable {

  private static final int LOG_TAIL = 40;
  private static final long READY_MILLIS = 90_000;

  private final ControlPlaneFiles files;
  private final TokenUser admin;
  private final TokenUser developer;
  private final TokenUser approver;
  private ServerProcess etcd;
  private ServerProcess apiserver;
  private URI url;
  private RawHttp raw;
  private ServerAuditLog auditLog;

  private ControlPlane(ControlPlaneFiles files, TokenUser admin, TokenUser developer, TokenUser approver) {
    this.files = files;
    this.admin = admin;
    this.developer = developer;
    this.approver = approver;
  }

  /** Starts etcd, then kube-apiserver, and returns once {@code /readyz} answers 200. */
  public static ControlPlane start(Path assets) throws IOException, GeneralSecurityException {
    TokenUser admin = user("admin", "system:masters");
    TokenUser developer = user("developer", "developers");
    TokenUser approver = user("approver", "approvers");
    ControlPlane cp = new ControlPlane(ControlPlaneFiles.write(List.of(admin, developer, approver)), admin, developer, approver);
    try {
      cp.launch(assets);
      return cp;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      cp.close();
      throw e;
    }
  }

  private static TokenUser user(String name, String group) {
    return new TokenUser(name, "uid-" + name, List.of(group), UUID.randomUUID().toString());
  }

  private void launch(Path assets) throws IOException, GeneralSecurityException {
    int client = FreePorts.next();
    int peer = FreePorts.next();
    int metrics = FreePorts.next();
    int secure = FreePorts.next();
    String etcdUrl = "http://127.0.0.1:" + client;
    String peerUrl = "http://127.0.0.1:" + peer;
    etcd = ServerProcess.start("etcd", binary(assets, "etcd"), List.of(
        "--data-dir", files.etcdData.toString(),
        "--listen-client-urls", etcdUrl, "--advertise-client-urls", etcdUrl,
        "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
        "--initial-cluster", "default=" + peerUrl, "--name", "default",
        "--listen-metrics-urls", "http://127.0.0.1:" + metrics), files.dir);
    apiserver = ServerProcess.start("kube-apiserver", binary(assets, "kube-apiserver"), List.of(
        "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port=" + secure,
        "--etcd-servers=" + etcdUrl, "--authorization-mode=RBAC",
        "--token-auth-file=" + files.tokens, "--cert-dir=" + files.certs,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file=" + files.saPub, "--service-account-signing-key-file=" + files.saKey,
        "--service-cluster-ip-range=10.0.0.0/24",
        "--audit-policy-file=" + files.auditPolicy, "--audit-log-path=" + files.auditLog,
        "--audit-log-format=json", "--audit-log-mode=blocking",
        "--allow-privileged=true", "--enable-priority-and-fairness=false", "--profiling=false"), files.dir);
    url = URI.create("https://127.0.0.1:" + secure);
    awaitReady();
    auditLog = new ServerAuditLog(files.auditLog, raw, admin);
  }

  private static Path binary(Path assets, String name) {
    Path p = assets.resolve(name);
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException("KUBEBUILDER_ASSETS=" + assets + " has no executable " + name
          + " (expected the envtest layout: etcd and kube-apiserver side by side)");
    }
    return p;
  }

  private void awaitReady() throws IOException, GeneralSecurityException {
    long deadline = System.currentTimeMillis() + READY_MILLIS;
    String last = "no answer yet";
    while (System.currentTimeMillis() < deadline) {
      for (ServerProcess p : List.of(etcd, apiserver)) {
        if (!p.isAlive()) {
          throw startFailure(p, p.name() + " exited during start-up");
        }
      }
      if (raw == null && Files.exists(files.servingCert())) {
        SSLContext tls = ServingCertTrust.sslContext(files.servingCert());
        raw = new RawHttp(tls, url);
      }
      if (raw != null) {
        try {
          HttpResponse<String> r = raw.send(admin, "GET", "/readyz", "kubeguard-e2e-readyz-" + UUID.randomUUID());
          if (r.statusCode() == 200) {
            return;
          }
          last = r.statusCode() + " " + r.body();
        } catch (RuntimeException e) {
          last = e.toString();
        }
      }
      sleep();
    }
    throw startFailure(apiserver, "kube-apiserver not ready within " + READY_MILLIS / 1000 + " s (last /readyz: " + last + ")");
  }

  private IllegalStateException startFailure(ServerProcess failed, String why) {
    return new IllegalStateException(why + "; last " + LOG_TAIL + " lines of " + failed.name() + "'s log:\n"
        + failed.tail(LOG_TAIL));
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for kube-apiserver", e);
    }
  }

  /** {@code https://127.0.0.1:PORT}. */
  public URI url() {
    return url;
  }

  /** The API server's self-signed serving certificate (PEM), to trust. */
  public Path servingCert() {
    return files.servingCert();
  }

  public TokenUser admin() {
    return admin;
  }

  public TokenUser developer() {
    return developer;
  }

  public TokenUser approver() {
    return approver;
  }

  /** The server's own audit log. */
  public ServerAuditLog auditLog() {
    return auditLog;
  }

  /** Unguarded HTTP to the server (control calls). */
  public RawHttp raw() {
    return raw;
  }

  /** Stops the API server, then etcd, and deletes every file; idempotent. */
  @Override
  public synchronized void close() {
    try {
      if (apiserver != null) {
        apiserver.stop();
      }
    } finally {
      try {
        if (etcd != null) {
          etcd.stop();
        }
      } finally {
        files.delete();
      }
    }
  }
}
