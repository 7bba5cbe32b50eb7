package dev.kubeguard.e2e.controlplane;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against the one shared {@link ControlPlane} of this test run (a
 * {@code ControlPlane} parameter is injected into constructors, lifecycle and test methods), or
 * skips it when {@code KUBEBUILDER_ASSETS} is not set.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ControlPlaneExtension.class)
public @interface RealApiServer {}
