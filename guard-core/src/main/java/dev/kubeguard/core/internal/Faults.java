package dev.kubeguard.core.internal;

/**
 * Which throwables a failing part may raise that the Guard still turns into a denial. Everything
 * is, except the JVM's own fatal errors ({@link VirtualMachineError}: out of memory, an internal
 * error), which no denial can make safe and which must reach the JVM's handlers. A
 * {@link StackOverflowError} is the exception to the exception: it is what a policy recursing too
 * deep over a hostile request raises, the thread that hit it has unwound, and it is a denial.
 * Shared by the Guard and its stages (the approval ledger); not part of the API. Stateless.
 */
public final class Faults {

  private Faults() {}

  /** Rethrows {@code t} when it is fatal to the JVM; returns otherwise, so the caller can deny. */
  public static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError vme && !(t instanceof StackOverflowError)) {
      throw vme;
    }
  }

  /** A short reason naming what failed: the message, or the type when there is none. */
  public static String why(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
