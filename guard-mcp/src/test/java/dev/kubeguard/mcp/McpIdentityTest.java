package dev.kubeguard.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kubeguard.api.Identity;
import io.modelcontextprotocol.common.McpTransportContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McpIdentityTest {

  @Test
  void returnsTheIdentityPutThereByTheExtractor() {
    Identity alice = Identity.of("alice", Identity.AUTHENTICATED);
    McpTransportContext context = McpTransportContext.create(Map.of(McpIdentity.ATTRIBUTE, alice));

    assertThat(McpIdentity.from(context)).isEqualTo(alice);
  }

  @Test
  void failsClosedWhenNoVerifiedIdentityIsPresent() {
    assertThatThrownBy(() -> McpIdentity.from(McpTransportContext.EMPTY))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("McpResourceServerFilter");
  }

  @Test
  void ignoresAnythingThatIsNotAVerifiedIdentity() {
    McpTransportContext context =
        McpTransportContext.create(Map.of(McpIdentity.ATTRIBUTE, "system:masters"));

    assertThatThrownBy(() -> McpIdentity.from(context)).isInstanceOf(IllegalStateException.class);
  }
}
