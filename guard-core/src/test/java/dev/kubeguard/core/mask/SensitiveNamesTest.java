package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SensitiveNamesTest {

  final SensitiveNames names = new SensitiveNames(true, List.of(Pattern.compile("(?i)^dsn$")));

  @Test
  void flagsNamesThatLookLikeSecrets() {
    for (String n : List.of("DB_PASSWORD", "API_TOKEN", "client-secret", "STRIPE_KEY", "apiKey", "tls.key",
        "AWS_SECRET_ACCESS_KEY", "GITHUB_PAT", "DB_PASS", "credentials.json", "privateKey", "DSN")) {
      assertThat(names.isSensitive(n)).as(n).isTrue();
    }
  }

  @Test
  void leavesOrdinaryNamesAlone() {
    for (String n : List.of("LOG_LEVEL", "KEYCLOAK_URL", "MONKEY_MODE", "PORT", "PATH", "REGION", "app.conf", "DSN_HOST")) {
      assertThat(names.isSensitive(n)).as(n).isFalse();
    }
  }

  @Test
  void theCachedFieldNameAnswersLikeTheRules() {
    for (int i = 0; i < 2000; i++) {
      String n = (i % 2 == 0 ? "X_TOKEN_" : "X_MODE_") + i;
      assertThat(names.field(n).sensitive()).isEqualTo(i % 2 == 0);
    }
  }
}
