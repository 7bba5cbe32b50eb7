package dev.kubeguard.approval.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kubeguard.approval.kubernetes.MockCluster;
import dev.kubeguard.approval.kubernetes.PendingApproval;
import dev.kubeguard.core.oidc.TestIssuer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real headless browser (Debian's Chromium and chromedriver, driven by Selenium):
 * what an approver does, end to end, with the page's CSP and cookies enforced by the browser.
 * Skips with a one-line notice when Chromium or its driver is not installed.
 */
class ApprovalBrowserTest {

  // Debian's packages; the properties exist to try the skip on a machine that has them.
  private static final Path CHROMIUM = Path.of(System.getProperty("kubeguard.test.chromium", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(System.getProperty("kubeguard.test.chromedriver", "/usr/bin/chromedriver"));
  static final String NOTICE = "ApprovalBrowserTest skipped: chromium is not installed"
      + " (needs /usr/bin/chromium and /usr/bin/chromedriver: apt-get install chromium chromium-driver)";

  private final MockCluster cluster = new MockCluster();
  private Replica replica;
  private WebDriver browser;
  private WebDriverWait wait;

  // Per test, not per class: surefire then counts the test as skipped instead of not run.
  @BeforeEach
  void needsChromium() {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!installed) {
      System.err.println(NOTICE);
    }
    assumeTrue(installed, NOTICE);
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (browser != null) {
      browser.quit();
    }
    if (replica != null) {
      replica.close();
    }
    cluster.close();
  }

  private void open(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, Duration.ofSeconds(20));
  }

  private void signIn(String token) {
    browser.get(replica.server.url().toString());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(token);
    browser.findElement(By.id("sign-in")).click();
  }

  private String text(String id) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id))).getText();
  }

  @Test
  void anApproverSignsInSeesTheRequestAndItsDiffApprovesItAndTheRetryPasses(@TempDir Path profile) throws Exception {
    replica = new Replica(cluster);
    String id = replica.held();
    replica.writeView(id, "{\n  \"propagationPolicy\": \"Foreground\"\n}",
        "--- live apps/v1 Deployment prod/web\n+++ after DELETE\n-  replicas: 3\n-  image: web:1.4\n", "");
    open(profile);

    // A non-approver (RBAC denies mallory the "approve" verb) is told why, and nothing changes.
    signIn("mallory-token");
    assertThat(text("signed-in-as")).isEqualTo("mallory");
    browser.findElement(By.linkText(id)).click();
    wait.until(ExpectedConditions.elementToBeClickable(By.id("approve"))).click();
    assertThat(text("message")).contains("mallory may not approve: the API server denies verb \"approve\"");
    assertThat(replica.state(id)).isEqualTo(PendingApproval.State.PENDING);
    assertThat(replica.delete().allowed()).isFalse();
    browser.findElement(By.id("sign-out")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));

    signIn("alice-token");
    assertThat(text("signed-in-as")).isEqualTo("alice");
    String row = browser.findElement(By.id("pending")).getText();
    assertThat(row).contains(id).contains("bob").contains("delete deployments.apps").contains("prod/web")
        .contains("deleting in prod needs a human");
    assertThat(browser.findElement(By.tagName("header")).getCssValue("background-color"))
        .as("the page's own stylesheet loads under its CSP").isEqualTo("rgba(36, 41, 47, 1)");

    browser.findElement(By.linkText(id)).click();
    assertThat(text("diff")).contains("-  replicas: 3").contains("-  image: web:1.4");
    assertThat(text("masked-body")).contains("\"propagationPolicy\": \"Foreground\"");
    assertThat(text("state")).isEqualTo("PENDING");
    browser.findElement(By.id("comment")).sendKeys("rollout verified");
    browser.findElement(By.id("approve")).click();
    assertThat(text("message")).isEqualTo("You approved " + id + ".");
    assertThat(text("state")).isEqualTo("APPROVED");

    MockCluster.await("the informer sees the answer", () -> replica.state(id) == PendingApproval.State.APPROVED);
    assertThat(replica.delete().allowed()).as("the held request passes on the retry").isTrue();
    browser.navigate().refresh();
    assertThat(text("answers")).contains("alice approved").contains("rollout verified");
    assertThat(replica.events).extracting(e -> e.user().user() + " " + e.annotations().get("kubeguard.dev/answer-outcome"))
        .containsExactly("mallory refused", "alice accepted");
  }

  @Test
  void anApproverSignsInAtTheOidcIssuerInTheBrowserAndTheirApprovalCounts(@TempDir Path profile) throws Exception {
    // On localhost: another site than the page on 127.0.0.1, as a real issuer is.
    try (TestIssuer issuer = TestIssuer.start("localhost", "/realms/test")) {
      replica = new Replica(cluster, "deleting in prod needs a human", Replica.oidc(issuer, "approvals-page"), UnaryOperator.identity(),
          page -> OidcSignIn.builder(issuer.issuer(), "approvals-page").redirectUri(page.resolve("signin/callback"))
              .label("Test IdP").build());
      String id = replica.held();
      issuer.login().signedInAs("olivia", List.of("sre")).loginPage(true);
      open(profile);

      // Asked for one request, signed out: to the sign-in page, to the issuer's own sign-in page,
      // back from there (another site), and on to the request.
      browser.get(replica.server.url() + "approvals/" + id);
      wait.until(ExpectedConditions.elementToBeClickable(By.id("sign-in-oidc"))).click();
      wait.until(ExpectedConditions.elementToBeClickable(By.id("idp-sign-in"))).click();
      assertThat(text("state")).as("the SameSite=Strict session cookie reaches the page after the issuer's redirects")
          .isEqualTo("PENDING");
      assertThat(text("signed-in-as")).isEqualTo("oidc:olivia");
      browser.findElement(By.id("approve")).click();
      assertThat(text("message")).isEqualTo("You approved " + id + ".");

      MockCluster.await("the informer sees the answer", () -> replica.state(id) == PendingApproval.State.APPROVED);
      assertThat(replica.delete().allowed()).as("the held request passes on the retry").isTrue();
      assertThat(replica.events).extracting(e -> e.user().user() + " " + e.annotations().get("kubeguard.dev/answer-outcome"))
          .containsExactly("oidc:olivia accepted");
    }
  }
}
