package dev.kubeguard.e2e.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports, asked of the kernel. Stateless and thread-safe. */
final class FreePorts {

  /**
   * A port nothing listens on right now. There is a window before the server binds it; another
   * process could take it meanwhile, which start-up then reports with the server's log.
   */
  static int next() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  private FreePorts() {}
}
