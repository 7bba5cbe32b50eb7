package dev.kubeguard.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Objects carrying planted secret values where a Kubernetes user keeps secrets: Secret data, a
 * ConfigMap key that names a password, a cloud key inside a ConfigMap value, a token in a
 * Deployment's env, and all of them again inside the {@code last-applied-configuration}
 * annotation kubectl writes. {@link #assertNoneIn} checks a text for each value, plain and base64.
 */
public final class Planted {

  public static final String SECRET_PASSWORD = "S3cr3t-e2e-Pa55w0rd";
  public static final String CONFIG_PASSWORD = "cm-e2e-Pa55w0rd-planted";
  public static final String CLOUD_KEY = "AKIAE2EPLANTEDKEY123";
  public static final String ENV_TOKEN = "deploy-e2e-t0ken-planted";
  public static final List<String> VALUES = List.of(SECRET_PASSWORD, CONFIG_PASSWORD, CLOUD_KEY, ENV_TOKEN);

  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  public static Secret secret(String namespace, String name) {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .addToAnnotations(LAST_APPLIED, "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"" + name
            + "\"},\"stringData\":{\"password\":\"" + SECRET_PASSWORD + "\"}}")
        .endMetadata()
        .addToData("password", base64(SECRET_PASSWORD))
        .build();
  }

  public static ConfigMap configMap(String namespace, String name) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .addToAnnotations(LAST_APPLIED, "{\"apiVersion\":\"v1\",\"data\":{\"db_password\":\"" + CONFIG_PASSWORD
            + "\"},\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"}}")
        .endMetadata()
        .withData(Map.of("db_password", CONFIG_PASSWORD, "aws.conf", "aws_access_key_id = " + CLOUD_KEY, "mode", "fast"))
        .build();
  }

  public static Deployment deployment(String namespace, String name) {
    return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("registry.example/shop:1")
        .addNewEnv().withName("API_TOKEN").withValue(ENV_TOKEN).endEnv()
        .addNewEnv().withName("MODE").withValue("fast").endEnv()
        .endContainer().endSpec().endTemplate().endSpec().build();
  }

  /** Asserts that no planted value, plain or base64, occurs in {@code text}. */
  public static void assertNoneIn(String what, String text) {
    for (String v : VALUES) {
      assertThat(text).as("%s must not contain the planted value %s", what, v).doesNotContain(v).doesNotContain(base64(v));
    }
  }

  public static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private Planted() {}
}
