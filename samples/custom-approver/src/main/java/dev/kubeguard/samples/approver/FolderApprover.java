package dev.kubeguard.samples.approver;

import dev.kubeguard.api.ApprovalOutcome;
import dev.kubeguard.api.ApprovalRequest;
import dev.kubeguard.api.Identity;
import dev.kubeguard.api.spi.Approver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Approvals answered with files: each held request is written to {@code <id>.request} in a folder;
 * a person answers by creating {@code <id>.approved} or {@code <id>.denied} holding their user
 * name. Names are looked up in a roster of identities (with their groups), because a file proves
 * only that someone could write to the folder: guard the folder's permissions like a key.
 *
 * <p>Thread-safe; {@link #requestApproval} returns at once. A daemon thread polls twice a second
 * (a WatchService is slow or missing on some file systems). Unknown names are ignored; unanswered
 * requests expire. The Guard re-checks groups, count and self-approval on every outcome.
 */
public final class FolderApprover implements Approver, AutoCloseable {
  private final Path folder;
  private final Map<String, Identity> roster;
  private final Map<ApprovalRequest, CompletableFuture<ApprovalOutcome>> waiting = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
      r -> { Thread t = new Thread(r, "folder-approver"); t.setDaemon(true); return t; });

  public FolderApprover(Path folder, Map<String, Identity> roster) throws IOException {
    this.folder = Files.createDirectories(folder);
    this.roster = Map.copyOf(roster);
    poller.scheduleWithFixedDelay(this::poll, 500, 500, TimeUnit.MILLISECONDS);
  }

  @Override
  public CompletionStage<ApprovalOutcome> requestApproval(ApprovalRequest request) {
    CompletableFuture<ApprovalOutcome> answer = new CompletableFuture<>();
    var a = request.request().attributes();
    String text = request.request().identity().user() + " asks: " + a.verb() + " " + a.resource() + " "
        + a.namespace() + "/" + a.name() + "; approvers " + request.requirement().approverGroups() + "\n";
    try {
      Path tmp = Files.writeString(folder.resolve(request.id() + ".request.tmp"), text, StandardCharsets.UTF_8);
      Files.move(tmp, folder.resolve(request.id() + ".request"), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      answer.completeExceptionally(e); // the Guard turns this into a denial
      return answer;
    }
    waiting.put(request, answer);
    return answer;
  }

  private void poll() {
    waiting.forEach((request, answer) -> {
      String id = request.id();
      try {
        if (answered(id, "approved", answer) || answered(id, "denied", answer)
            || Instant.now().isAfter(request.expiresAt()) && answer.complete(ApprovalOutcome.expired(id))) {
          Files.deleteIfExists(folder.resolve(id + ".request"));
          waiting.remove(request);
        }
      } catch (IOException | RuntimeException e) {
        // An unreadable answer is no answer: keep waiting until it is fixed or the request expires.
      }
    });
  }

  private boolean answered(String id, String verdict, CompletableFuture<ApprovalOutcome> answer) throws IOException {
    Path file = folder.resolve(id + "." + verdict);
    if (!Files.exists(file)) {
      return false;
    }
    Identity who = roster.get(Files.readString(file, StandardCharsets.UTF_8).strip());
    Files.delete(file);
    if (who == null) {
      return false; // not on the roster: as if nobody answered
    }
    String reason = verdict + " by " + who.user() + " in " + folder;
    return answer.complete(verdict.equals("approved")
        ? ApprovalOutcome.approved(id, List.of(who), reason)
        : ApprovalOutcome.denied(id, List.of(who), reason));
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
