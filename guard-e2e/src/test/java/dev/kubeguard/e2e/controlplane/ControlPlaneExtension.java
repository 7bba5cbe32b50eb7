package dev.kubeguard.e2e.controlplane;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link ControlPlane} for the whole test run, the first time a class asks for it, and
 * keeps it in the root extension store, which closes it when the run ends, whether tests passed
 * or not; a JVM shutdown hook stops it too if the run is cut short.
 *
 * <p>Without {@code KUBEBUILDER_ASSETS} every class is skipped, and one line says how to run them.
 * A start-up failure fails every class with the same message (the server's log tail), without
 * trying again.
 *
 * <p>Thread-safe: the store computes the control plane once even if classes run in parallel.
 */
public final class ControlPlaneExtension implements ExecutionCondition, ParameterResolver {

  /** The environment variable naming the folder with {@code etcd} and {@code kube-apiserver}. */
  public static final String ASSETS = "KUBEBUILDER_ASSETS";
  /** The reason every class is skipped for without the assets; CI looks for it. */
  public static final String SKIP_REASON = ASSETS + " is not set: the end-to-end tests need a real kube-apiserver. "
      + "Run them with KUBEBUILDER_ASSETS=<folder holding kube-apiserver and etcd, envtest's layout> ./mvnw -B verify -pl guard-e2e -am";

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ControlPlaneExtension.class);
  private static final AtomicBoolean NOTICE_PRINTED = new AtomicBoolean();

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (assets() != null) {
      return ConditionEvaluationResult.enabled(ASSETS + " is set");
    }
    if (NOTICE_PRINTED.compareAndSet(false, true)) {
      System.out.println("guard-e2e: skipped. " + SKIP_REASON);
    }
    return ConditionEvaluationResult.disabled(SKIP_REASON);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ControlPlane.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return controlPlane(context);
  }

  /** The run's control plane, started on first use. */
  public static ControlPlane controlPlane(ExtensionContext context) {
    Startup s = context.getRoot().getStore(NS).getOrComputeIfAbsent(Startup.class, k -> Startup.run(), Startup.class);
    return s.get();
  }

  private static String assets() {
    String a = System.getenv(ASSETS);
    return a == null || a.isBlank() ? null : a;
  }

  /** The outcome of the one start: a control plane, or why there is none. Closed by the root store. */
  private static final class Startup implements AutoCloseable {
    private final ControlPlane controlPlane;
    private final RuntimeException failure;

    private Startup(ControlPlane controlPlane, RuntimeException failure) {
      this.controlPlane = controlPlane;
      this.failure = failure;
    }

    static Startup run() {
      try {
        ControlPlane cp = ControlPlane.start(Path.of(assets()).toAbsolutePath());
        // Stops the processes even when the run is killed before the store is closed.
        Runtime.getRuntime().addShutdownHook(new Thread(cp::close, "kubeguard-e2e-control-plane-stop"));
        return new Startup(cp, null);
      } catch (Exception e) {
        return new Startup(null, new IllegalStateException("the control plane did not start: " + e.getMessage(), e));
      }
    }

    ControlPlane get() {
      if (failure != null) {
        throw failure;
      }
      return controlPlane;
    }

    @Override
    public void close() {
      if (controlPlane != null) {
        controlPlane.close();
      }
    }
  }
}
