package dev.kubeguard.api.spi;

import dev.kubeguard.api.ApprovalNotice;

/**
 * Tells approvers that a request is waiting for them (a chat message, a webhook, a page).
 *
 * <p><b>Threading:</b> called from any thread, concurrently, once per held request by the
 * approver that holds it. <b>Blocking:</b> must return at once: hand delivery (network I/O,
 * retries) to a thread of your own. <b>Failure:</b> a notification is a courtesy, never part of
 * the decision: anything thrown here is logged by the caller and changes nothing about the
 * approval, which stays pending for approvers who look for it themselves. A notice carries only
 * masked content; an implementation must not add request data of its own.
 */
@FunctionalInterface
public interface ApprovalNotifier {

  /** Announces {@code notice}; returns without waiting for delivery. */
  void notify(ApprovalNotice notice);
}
