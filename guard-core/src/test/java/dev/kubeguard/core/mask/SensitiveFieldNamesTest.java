package dev.kubeguard.core.mask;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The default profile masks values by a sensitive field name in any object, not only env and ConfigMaps. */
class SensitiveFieldNamesTest {

  static String mask(DefaultMasker m, String profile, String json) throws Exception {
    return Masking.mask(m, profile, "application/json", json.replace('\'', '"').getBytes(StandardCharsets.UTF_8)).text();
  }

  static JsonNode tree(String json) throws Exception {
    return MaskedOutput.JSON.readTree(mask(Masking.masker(), "default", json));
  }

  @Test
  void masksSensitiveFieldsOfACustomResourceAtAnyDepth() throws Exception {
    JsonNode out = tree(
        "{'apiVersion':'db.example.com/v1','kind':'Database','spec':{'password':'pw-1','apiKey':'ak-2',"
            + "'credentials':{'token':'tk-3','user':'admin','ttl':30},'host':'db.local',"
            + "'replicas':[{'auth':{'clientSecret':'cs-4'}}]}}");
    String text = out.toString();
    assertThat(text).doesNotContain("pw-1", "ak-2", "tk-3", "cs-4", "admin");
    assertThat(out.at("/spec/password").asText()).startsWith(MaskedOutput.TOKEN);
    assertThat(out.at("/spec/credentials/user").asText()).as("every scalar under a sensitive object").startsWith(MaskedOutput.TOKEN);
    assertThat(out.at("/spec/host").asText()).isEqualTo("db.local");
  }

  @Test
  void masksSigningSaltAndGitleaksStyleNamesInEnvAndFields() throws Exception {
    JsonNode out = tree(
        "{'kind':'Pod','spec':{'containers':[{'env':[{'name':'SIGNING_SALT','value':'salt-1'},"
            + "{'name':'SENTRY_DSN','value':'dsn-2'},{'name':'SESSION_COOKIE','value':'ck-3'},{'name':'DSN_HOST','value':'h'}]}]},"
            + "'status':{'private_key':'pk-4','client_secret':'cs-5','bearer':'br-6','signature':'sg-7','connectionString':'cn-8'}}");
    assertThat(out.toString()).doesNotContain("salt-1", "dsn-2", "ck-3", "pk-4", "cs-5", "br-6", "sg-7", "cn-8");
    assertThat(out.at("/spec/containers/0/env/3/value").asText()).isEqualTo("h");
  }

  @Test
  void leavesFieldsThatNameOrReferenceASecretAlone() throws Exception {
    String pod =
        "{'kind':'Pod','spec':{'serviceAccountName':'app','automountServiceAccountToken':true,"
            + "'volumes':[{'name':'tls','secret':{'secretName':'web-tls','items':[{'key':'tls.crt','path':'tls.crt'}],'defaultMode':420}},"
            + "{'name':'kube-api-access','projected':{'sources':[{'serviceAccountToken':{'expirationSeconds':3607,'path':'token','audience':'api'}}]}}],"
            + "'imagePullSecrets':[{'name':'regcred'}],"
            + "'containers':[{'name':'c','envFrom':[{'secretRef':{'name':'env'}}],'env':[{'name':'DB_PASSWORD','valueFrom':"
            + "{'secretKeyRef':{'name':'db','key':'password'}}},{'name':'CFG','valueFrom':{'configMapKeyRef':{'name':'cfg','key':'apiKey'}}}]}],"
            + "'tolerations':[{'key':'node.kubernetes.io/not-ready','operator':'Exists','tokenExpirationSeconds':600}],"
            + "'affinity':{'podAntiAffinity':{'preferredDuringSchedulingIgnoredDuringExecution':[{'weight':1,'podAffinityTerm':{'topologyKey':'kubernetes.io/hostname'}}]}}},"
            + "'metadata':{'annotations':{'kubernetes.io/legacy-token-last-used':'2024-01-01'}}}";
    String in = pod.replace('\'', '"');
    assertThat(mask(Masking.masker(), "default", pod)).isEqualTo(in);
  }

  @Test
  void leavesSchemaPropertyNamesOfACrdAlone() throws Exception {
    String crd =
        "{'kind':'CustomResourceDefinition','spec':{'versions':[{'name':'v1','schema':{'openAPIV3Schema':{'type':'object',"
            + "'properties':{'password':{'type':'string','description':'the password'},'token':{'type':'object','properties':{'value':{'type':'string'}}}}}}}]}}";
    assertThat(mask(Masking.masker(), "default", crd)).isEqualTo(crd.replace('\'', '"'));
  }

  @Test
  void profileAddsNamesAndTurnsTheNameRuleOff() throws Exception {
    DefaultMasker m = DefaultMasker.builder().key(Masking.KEY)
        .profile(MaskingProfile.builder("extra").basedOn(MaskingProfile.DEFAULT).sensitiveName("(?i)^pin$").build())
        .profile(MaskingProfile.builder("no-names").basedOn(MaskingProfile.DEFAULT).withoutRule(MaskingProfile.Rule.SENSITIVE_FIELD_NAMES).build())
        .build();
    String body = "{'kind':'Widget','spec':{'pin':'1234x','password':'pw-9'}}";
    assertThat(mask(m, "extra", body)).doesNotContain("1234x", "pw-9");
    assertThat(mask(m, "no-names", body)).contains("1234x", "pw-9");
    assertThat(mask(m, "default", body)).contains("1234x").doesNotContain("pw-9");
  }
}
