package dev.kubeguard.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubeguard.api.Attributes;
import dev.kubeguard.api.Decision;
import dev.kubeguard.api.Identity;
import dev.kubeguard.core.policy.GuardPolicyEngine;
import dev.kubeguard.core.policy.PolicyLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The README and docs/ quote compiled, tested sources, and their coordinates match the build. */
class DocsTest {

  // Blocks in these languages must quote a snippet; shell commands and JSON shapes need not.
  private static final Set<String> CHECKED = Set.of("java", "yaml", "xml", "kotlin");

  @Test
  void everyJavaYamlXmlAndKotlinBlockQuotesATaggedSnippetVerbatim() throws Exception {
    Map<String, String> snippets = Repo.snippets();
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Path doc : Repo.documents()) {
      for (Repo.Block b : Repo.blocks(doc)) {
        if (!CHECKED.contains(b.language())) {
          if (b.snippet() != null) {
            problems.add(b.where() + ": a snippet marker on a '" + b.language() + "' block, which is not checked");
          }
          continue;
        }
        if (b.snippet() == null) {
          problems.add(b.where() + ": a " + b.language() + " block without <!-- snippet: NAME --> before it");
        } else if (!snippets.containsKey(b.snippet())) {
          problems.add(b.where() + ": snippet '" + b.snippet() + "' is tagged nowhere under docs/snippets/src/main");
        } else if (!snippets.get(b.snippet()).equals(b.text())) {
          problems.add(b.where() + ": block differs from snippet '" + b.snippet() + "':\n--- docs\n" + b.text()
              + "--- source\n" + snippets.get(b.snippet()));
        } else {
          checked++;
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(checked).isGreaterThanOrEqualTo(5);
  }

  @Test
  void everyTaggedSnippetIsQuotedInTheDocs() throws Exception {
    Set<String> quoted = new HashSet<>();
    for (Path doc : Repo.documents()) {
      Repo.blocks(doc).forEach(b -> quoted.add(b.snippet()));
    }
    assertThat(quoted).containsAll(Repo.snippets().keySet());
  }

  @Test
  void theQuickStartIsTenLinesOrFewerAndItsImportsAreShown() throws Exception {
    Map<String, String> snippets = Repo.snippets();
    assertThat(snippets.get("quickstart").lines()).hasSizeLessThanOrEqualTo(10);
    assertThat(snippets.get("imports")).contains("import dev.kubeguard.core.Guard;");
    String readme = Files.readString(Repo.ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    assertThat(readme).contains("<!-- snippet: quickstart -->", "<!-- snippet: imports -->");
  }

  @Test
  void theReadmePolicyMeansWhatTheReadmeSays() throws Exception {
    GuardPolicyEngine policy = PolicyLoader.fromYaml("readme policy", Repo.snippets().get("policy"));
    Identity dev = Identity.of("alice", "developers");

    // Just-in-time elevation: no allow rule covers deletes in prod, yet the approve rule grants
    // one once approved; it does not merely hold back what something else allows.
    Decision delete = policy.decide(dev, Attributes.resource("delete", "apps", "v1", "deployments", "", "prod-eu", "web"));
    assertThat(delete.effect()).isEqualTo(Decision.Effect.REQUIRE_APPROVAL);
    assertThat(delete.ruleId()).isEqualTo("approve-prod-deletes");
    // deny > approve: exec in prod matches both.
    Decision execProd = policy.decide(dev, Attributes.resource("delete", "", "v1", "pods", "exec", "prod-eu", "web"));
    assertThat(execProd.effect()).isEqualTo(Decision.Effect.DENY);
    assertThat(execProd.ruleId()).isEqualTo("no-exec");
    // deny > allow: the read rule covers every resource in shop, pods/exec included.
    Decision execShop = policy.decide(dev, Attributes.resource("get", "", "v1", "pods", "exec", "shop", "web"));
    assertThat(execShop.ruleId()).isEqualTo("no-exec");
    assertThat(policy.decide(dev, Attributes.resource("get", "", "v1", "pods", "", "shop", "web")).effect())
        .isEqualTo(Decision.Effect.ALLOW);
    // Nothing matched = deny.
    assertThat(policy.decide(dev, Attributes.resource("get", "", "v1", "pods", "", "kube-system", "x")).effect())
        .isEqualTo(Decision.Effect.DENY);
    assertThat(policy.decide(Identity.of("bob", "ops"), Attributes.resource("delete", "", "v1", "pods", "", "prod-eu", "x"))
        .effect()).isEqualTo(Decision.Effect.DENY);
  }

  @Test
  void everyGuardPolicyOrRbacSnippetLoads() throws Exception {
    int loaded = 0;
    for (Map.Entry<String, String> s : Repo.snippets().entrySet()) {
      if (s.getValue().contains("kind: GuardPolicy") || s.getValue().contains("rbac.authorization.k8s.io/v1")) {
        assertThat(PolicyLoader.fromYaml(s.getKey(), s.getValue()).ruleCount()).as(s.getKey()).isPositive();
        loaded++;
      }
    }
    assertThat(loaded).isGreaterThanOrEqualTo(2);
  }

  @Test
  void theBomManagesEveryLibraryModuleAtTheReactorVersionAndTheParentsJackson() {
    Document root = Repo.pom("pom.xml");
    Document bom = Repo.pom("guard-bom/pom.xml");
    String version = Repo.child(root.getDocumentElement(), "version");
    assertThat(Repo.child(bom.getDocumentElement(), "version")).isEqualTo(version);
    assertThat(Repo.child(bom.getDocumentElement(), "parent")).as("a BOM with a parent leaks its pins").isNull();

    Set<String> libraries = new HashSet<>();
    NodeList modules = root.getElementsByTagName("module");
    for (int i = 0; i < modules.getLength(); i++) {
      String dir = modules.item(i).getTextContent().strip();
      String artifact = Repo.child(Repo.pom(dir + "/pom.xml").getDocumentElement(), "artifactId");
      if (artifact.startsWith("guard-") && !artifact.equals("guard-bom") && !artifact.equals("guard-bench")
          && !artifact.equals("guard-e2e")) {
        libraries.add(artifact);
      }
    }
    Map<String, String> managed = managed(bom);
    assertThat(managed.keySet()).containsAll(libraries.stream().map(a -> "dev.kubeguard:" + a).toList());
    managed.forEach((ga, v) -> {
      if (ga.startsWith("dev.kubeguard:")) {
        assertThat(v).as(ga).isEqualTo("${project.version}");
      }
    });
    assertThat(managed).containsEntry("com.fasterxml.jackson:jackson-bom", "${jackson.version}");
    assertThat(Repo.child((Element) bom.getElementsByTagName("properties").item(0), "jackson.version"))
        .isEqualTo(Repo.property("jackson.version"));
  }

  @Test
  void theReadmeCoordinatesUseTheBomAndTheVersionsWeTestWith() throws Exception {
    String version = Repo.child(Repo.pom("pom.xml").getDocumentElement(), "version");
    Map<String, String> bom = managed(Repo.pom("guard-bom/pom.xml"));
    Map<String, String> snippets = Repo.snippets();

    Document maven = Repo.xml("<x>" + snippets.get("maven") + "</x>");
    NodeList deps = maven.getElementsByTagName("dependency");
    List<String> coordinates = new ArrayList<>();
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      String v = Repo.child(d, "version");
      coordinates.add(Repo.child(d, "groupId") + ":" + Repo.child(d, "artifactId") + (v == null ? "" : ":" + v));
    }
    Matcher gradle = Pattern.compile("\"([\\w.-]+:[\\w.-]+(?::[\\w.-]+)?)\"").matcher(snippets.get("gradle"));
    List<String> gradleCoordinates = new ArrayList<>();
    while (gradle.find()) {
      gradleCoordinates.add(gradle.group(1));
    }
    assertThat(gradleCoordinates).containsExactlyElementsOf(coordinates);
    assertThat(coordinates).contains("dev.kubeguard:guard-bom:" + version);
    for (String c : coordinates) {
      String[] p = c.split(":");
      String ga = p[0] + ":" + p[1];
      if (p[0].equals("dev.kubeguard") && !p[1].equals("guard-bom")) {
        assertThat(bom).as(c).containsKey(ga);
        assertThat(p).as(c + " takes its version from the BOM").hasSize(2);
      } else if (!p[0].equals("dev.kubeguard")) {
        assertThat(p[2]).as(c).isEqualTo(testedVersion(ga));
      }
    }
  }

  @Test
  void theTestedWithTableMatchesTheParentPom() throws Exception {
    String readme = Files.readString(Repo.ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    Matcher row = Pattern.compile("(?m)^\\| `([\\w.-]+:[\\w.-]+)` \\| `([^`]+)` \\|").matcher(readme);
    int rows = 0;
    while (row.find()) {
      assertThat(row.group(2)).as(row.group(1)).isEqualTo(testedVersion(row.group(1)));
      rows++;
    }
    assertThat(rows).isGreaterThanOrEqualTo(5);
  }

  // The version the build pins for a third-party artifact the docs name.
  private static String testedVersion(String groupArtifact) {
    Map<String, String> property = new LinkedHashMap<>();
    property.put("io.fabric8:kubernetes-client", "fabric8.version");
    property.put("io.fabric8:kubernetes-client-api", "fabric8.version");
    property.put("io.fabric8:kubernetes-httpclient-okhttp", "fabric8-okhttp.version");
    property.put("com.squareup.okhttp3:okhttp-jvm", "okhttp.version");
    property.put("io.kubernetes:client-java", "k8s-java-client.version");
    property.put("io.modelcontextprotocol.sdk:mcp-core", "mcp.version");
    property.put("io.modelcontextprotocol.sdk:mcp-json-jackson2", "mcp.version");
    property.put("org.apache.tomcat.embed:tomcat-embed-core", "tomcat.version");
    property.put("com.fasterxml.jackson:jackson-bom", "jackson.version");
    assertThat(property).as("the docs name " + groupArtifact + "; say which pom property pins it").containsKey(groupArtifact);
    return Repo.property(property.get(groupArtifact));
  }

  private static Map<String, String> managed(Document pom) {
    Map<String, String> out = new LinkedHashMap<>();
    NodeList deps = ((Element) pom.getElementsByTagName("dependencyManagement").item(0)).getElementsByTagName("dependency");
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      out.put(Repo.child(d, "groupId") + ":" + Repo.child(d, "artifactId"), Repo.child(d, "version"));
    }
    return out;
  }
}
