package dev.kubeguard.approval.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kubeguard.approval.kubernetes.MockCluster;
import dev.kubeguard.approval.kubernetes.PendingApproval;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page mounted as a servlet in embedded Tomcat 11, under a context path of its own. */
class ApprovalServletTest {

  private static final String BASE = "/host/kubeguard/approvals";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MockCluster cluster = new MockCluster();
  private Replica replica;
  private Tomcat tomcat;

  @AfterEach
  void stop() throws Exception {
    if (tomcat != null) {
      tomcat.stop();
      tomcat.destroy();
    }
    if (replica != null) {
      replica.close();
    }
    cluster.close();
  }

  private Http mount(Path baseDir) throws Exception {
    tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    tomcat.setPort(0);
    tomcat.getConnector().setProperty("address", "127.0.0.1");
    Context ctx = tomcat.addContext("/host", baseDir.toString());
    Tomcat.addServlet(ctx, "approvals", new ApprovalServlet(replica.web));
    ctx.addServletMappingDecoded("/kubeguard/approvals/*", "approvals");
    tomcat.start();
    return new Http(URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/"));
  }

  @Test
  void theServletServesTheApiAndThePagesUnderItsMountPath(@TempDir Path dir) throws Exception {
    replica = new Replica(cluster);
    Http http = mount(dir);
    String id = replica.held();

    HttpResponse<String> list = http.getJson(BASE + "/api/approvals", "alice-token");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(list.body()).path("items").get(0).path("id").asText()).isEqualTo(id);
    assertThat(list.headers().firstValue("X-Frame-Options")).hasValue("DENY");

    assertThat(http.get(BASE).headers().firstValue("Location")).hasValue(BASE + "/signin");
    HttpResponse<String> form = http.keep(http.get(BASE + "/signin"));
    assertThat(form.body()).contains("action=\"" + BASE + "/signin\"").contains("href=\"" + BASE + "/style.css\"");
    assertThat(http.get(BASE + "/style.css").headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
    HttpResponse<String> in = http.keep(http.post(BASE + "/signin", "application/x-www-form-urlencoded",
        "csrf=" + csrf(form) + "&token=alice-token"));
    assertThat(in.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("kg_session=").contains("Path=" + BASE + ";"));
    HttpResponse<String> detail = http.get(BASE + "/approvals/" + id);
    assertThat(detail.statusCode()).isEqualTo(200);
    HttpResponse<String> answered = http.post(BASE + "/approvals/" + id + "/deny", "application/x-www-form-urlencoded",
        "csrf=" + csrf(detail) + "&reason=" + URLEncoder.encode("not today", StandardCharsets.UTF_8));
    assertThat(answered.statusCode()).isEqualTo(303);
    assertThat(answered.headers().firstValue("Location")).hasValue(BASE + "/approvals/" + id);
    assertThat(http.get(BASE + "/approvals/" + id).body()).contains("You denied " + id);
    MockCluster.await("the informer sees the denial", () -> replica.state(id) == PendingApproval.State.DENIED);
    assertThat(replica.delete().message()).contains("denied: not today");
  }

  private static String csrf(HttpResponse<String> page) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }
}
