package org.mailintegrator.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The help-desk page in a real headless browser (Debian's chromium and chromium-driver), served by the packaged jar
 * run as a process: {@code mailintegrator serve --demo}. The form submits, the rows appear while the race runs (IMAP
 * over TLS is dropped and times out after 3 s while POP over TLS has signed in), the explanation shows, and the
 * password is in neither the page, the event stream nor the server's output. Runs when
 * {@code MAIL_INTEGRATOR_BROWSER=true} (CI installs the browser and sets it).
 */
@EnabledIfEnvironmentVariable(named = "MAIL_INTEGRATOR_BROWSER", matches = "true")
class HelpDeskPageIT {
    private static final String PASSWORD = "page-Secret-9";

    @TempDir
    Path directory;

    @Test
    void theRaceIsDrawnWhileItRunsAndTheExplanationFollowsWithoutThePassword() throws Exception {
        Path log = directory.resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", System.getProperty("mailintegrator.cli.jar"), "serve", "--demo", "--port", "0")
                .redirectError(log.toFile());
        builder.environment().put("MAIL_INTEGRATOR_PASSWORD", PASSWORD);
        Process server = builder.start();
        WebDriver browser = null;
        StringBuilder output = new StringBuilder();
        BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(),
                StandardCharsets.UTF_8));
        Thread copier = null;
        try {
            String ready = lines.readLine();
            assertThat(ready).as("the server's first line").contains("http://127.0.0.1:");
            output.append(ready).append('\n');
            copier = new Thread(() -> {
                try {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        synchronized (output) {
                            output.append(line).append('\n');
                        }
                    }
                } catch (java.io.IOException closed) {
                    // the process ended: Process.destroy() closes its streams
                }
            }, "server-output");
            copier.start();
            String url = ready.substring(ready.indexOf("http://"), ready.indexOf('/', ready.indexOf("http://") + 7) + 1);

            browser = chrome();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get(url);
            assertThat(browser.findElement(By.id("address")).getAttribute("value")).isEqualTo("alice@example.com");
            browser.findElement(By.id("secret")).sendKeys(PASSWORD);
            browser.findElement(By.id("start")).click();

            // IMAP over TLS is still connecting (dropped, 3 s connect timeout) while its row is on the page
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#rows .row.running")));
            assertThat(browser.findElement(By.id("verdict")).isDisplayed()).as("no verdict yet").isFalse();
            assertThat(browser.findElements(By.cssSelector("#rows .row"))).hasSize(4);

            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("explanation")));
            assertThat(browser.findElement(By.id("headline")).getText()).isEqualTo("Integrated");
            assertThat(browser.findElement(By.id("explanation")).getText())
                    .contains("is set up with POP3 over TLS").contains("IMAP over TLS");
            assertThat(browser.findElement(By.cssSelector(".row.winner .label")).getText()).startsWith("POP3");
            assertThat(browser.findElement(By.cssSelector(".row.TIMED_OUT .outcome")).getText())
                    .isEqualTo("TIMED_OUT");
            assertThat(browser.findElements(By.cssSelector(".row .segment"))).isNotEmpty();
            assertThat(browser.getPageSource()).doesNotContain(PASSWORD);
            assertThat(browser.findElement(By.id("secret")).getAttribute("value")).isEmpty();

            String id = browser.findElement(By.tagName("body")).getAttribute("data-integration");
            HttpResponse<String> events = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url + "integrations/" + id + "/events")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(events.body()).contains("\"type\":\"end\"").doesNotContain(PASSWORD);

            Path screenshot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
            Path kept = Path.of(System.getProperty("mailintegrator.screenshot", "target/help-desk-page.png"));
            Files.createDirectories(kept.toAbsolutePath().getParent());
            Files.copy(screenshot, kept, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            if (browser != null) {
                browser.quit();
            }
            server.destroy();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("the server ends when asked to").isTrue();
            if (copier != null) {
                copier.join(10_000);
            }
        }
        String everything;
        synchronized (output) {
            everything = output + Files.readString(log);
        }
        assertThat(everything).as("the server's output").doesNotContain(PASSWORD);
    }

    private static WebDriver chrome() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(new File("/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
