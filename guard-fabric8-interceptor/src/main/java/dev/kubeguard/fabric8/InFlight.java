package dev.kubeguard.fabric8;

import dev.kubeguard.core.GuardedExchange;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exchanges of requests in flight keyed by the identity of the request's {@link URI} object, held
 * weakly so an entry fabric8 never reports back on disappears with its request. Thread-safe.
 */
final class InFlight {

  private final Map<Key, GuardedExchange> exchanges = new ConcurrentHashMap<>();
  private final ReferenceQueue<URI> collected = new ReferenceQueue<>();

  void put(URI uri, GuardedExchange v) {
    purge();
    exchanges.put(new Key(uri, collected), v);
  }

  GuardedExchange get(URI uri) {
    purge();
    return uri == null ? null : exchanges.get(new Key(uri, null));
  }

  GuardedExchange remove(URI uri) {
    purge();
    return uri == null ? null : exchanges.remove(new Key(uri, null));
  }

  private void purge() {
    for (Object k; (k = collected.poll()) != null; ) {
      exchanges.remove(k);
    }
  }

  /** Equal only to a key for the very same URI object. */
  private static final class Key extends WeakReference<URI> {
    private final int hash;

    Key(URI uri, ReferenceQueue<URI> queue) {
      super(uri, queue);
      this.hash = System.identityHashCode(uri);
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof Key k)) {
        return false;
      }
      URI mine = get();
      return mine != null && mine == k.get();
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
