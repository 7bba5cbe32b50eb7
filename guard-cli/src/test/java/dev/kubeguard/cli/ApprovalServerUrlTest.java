package dev.kubeguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Where an answer may be sent: the approval server's base from the flag or from the approval's page URL. */
class ApprovalServerUrlTest {

  private static final String ID = "apr-0123456789abcdef-1";

  @Test
  void theFlagIsTheBaseWithOrWithoutTheApiPath() throws Exception {
    assertThat(ApprovalServer.fromFlag("https://ops.example/kubeguard/approvals/"))
        .isEqualTo(URI.create("https://ops.example/kubeguard/approvals"));
    assertThat(ApprovalServer.fromFlag("https://ops.example/kubeguard/approvals/api/approvals"))
        .isEqualTo(URI.create("https://ops.example/kubeguard/approvals"));
    assertThat(ApprovalServer.fromFlag("https://ops.example:8443")).isEqualTo(URI.create("https://ops.example:8443"));
    assertThat(ApprovalServer.fromFlag("https://ops.example/a?x=1#f")).isEqualTo(URI.create("https://ops.example/a"));
  }

  @Test
  void theAnswerUrlIsTheApprovalsPageOrItsApiUrl() throws Exception {
    assertThat(ApprovalServer.fromAnswerUrl("https://ops.example/kubeguard/approvals/approvals/" + ID, ID))
        .isEqualTo(URI.create("https://ops.example/kubeguard/approvals"));
    assertThat(ApprovalServer.fromAnswerUrl("https://ops.example/kubeguard/approvals/api/approvals/" + ID + "/", ID))
        .isEqualTo(URI.create("https://ops.example/kubeguard/approvals"));
  }

  @Test
  void anAnswerUrlForAnotherApprovalOrNoneIsRefused() {
    assertThatThrownBy(() -> ApprovalServer.fromAnswerUrl("https://ops.example/kubeguard/approvals/apr-other", ID))
        .hasMessageContaining("is not the page of approval " + ID).hasMessageContaining("pass --approvals-url");
    assertThatThrownBy(() -> ApprovalServer.fromAnswerUrl("https://ops.example/kubeguard/approvals/x" + ID, ID))
        .hasMessageContaining("is not the page of approval");
    assertThatThrownBy(() -> ApprovalServer.fromAnswerUrl("https://ops.example/" + ID, ID))
        .as("a page that is not guard-approval-web's is not guessed at").hasMessageContaining("is not the page of approval");
    assertThatThrownBy(() -> ApprovalServer.fromAnswerUrl("ask in #ops", ID)).hasMessageContaining("is not a URL");
    assertThatThrownBy(() -> ApprovalServer.fromAnswerUrl("mailto:ops@example.com", ID))
        .hasMessageContaining("is not an http(s) URL");
  }

  @Test
  void plainHttpOnlyToALoopbackAddress() throws Exception {
    assertThat(ApprovalServer.fromFlag("http://localhost:8080/k")).isEqualTo(URI.create("http://localhost:8080/k"));
    assertThat(ApprovalServer.fromFlag("http://127.0.0.1:8080/k")).isEqualTo(URI.create("http://127.0.0.1:8080/k"));
    assertThat(ApprovalServer.fromFlag("http://[::1]:8080/k")).isEqualTo(URI.create("http://[::1]:8080/k"));
    for (String url : new String[] {"http://ops.example/k", "http://10.0.0.1/k", "http://127.0.0.1.nip.io/k"}) {
      assertThatThrownBy(() -> ApprovalServer.fromFlag(url)).as(url).hasMessageContaining("plain http to another host");
    }
  }

  @Test
  void credentialsInTheUrlAreRefused() {
    assertThatThrownBy(() -> ApprovalServer.fromFlag("https://user:pw@ops.example/k"))
        .hasMessageContaining("carries a user name or password").hasMessageNotContaining("pw");
  }
}
