package dev.workerloader.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
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

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The playground page in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, installed by {@code .ci/run}): load the page, run the example
 * agent, see its result, run the runaway and see it reported as stopped.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class PlaygroundBrowserTests {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	@LocalServerPort
	private int port;

	private WebDriver browser;

	@BeforeEach
	void startBrowser(@TempDir Path profile) {
		Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
				"Chromium is not installed: apt-get install chromium chromium-driver (.ci/run does)");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--user-data-dir=" + profile);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		this.browser = new ChromeDriver(service, options);
	}

	@AfterEach
	void stopBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	private WebDriverWait waitUpTo(int seconds) {
		return new WebDriverWait(this.browser, Duration.ofSeconds(seconds));
	}

	@Test
	void runsTheChatExampleAndShowsItsResultAndLogs() {
		// The demo listens on 127.0.0.1 only (issue 14).
		this.browser.get("http://127.0.0.1:" + this.port + "/");
		assertThat(this.browser.getTitle()).isEqualTo("Worker Loader playground");
		waitUpTo(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("types"), "interface ChatRoom"));
		this.browser.findElement(By.id("example-chat")).click();
		this.browser.findElement(By.id("run")).click();
		waitUpTo(60).until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "ok"));
		assertThat(this.browser.findElement(By.id("result")).getText()).contains("\"posted\"").contains("\"read\"");
		assertThat(this.browser.findElement(By.id("logs")).getText()).contains("read").contains("General");
		assertThat(this.browser.findElement(By.id("error")).getText()).isEmpty();
	}

	@Test
	void reportsTheRunawayAsStoppedByItsCpuQuota() {
		// The demo listens on 127.0.0.1 only (issue 14).
		this.browser.get("http://127.0.0.1:" + this.port + "/");
		this.browser.findElement(By.id("example-loop")).click();
		this.browser.findElement(By.id("run")).click();
		waitUpTo(60).until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "stopped: CPU_TIME"));
		assertThat(this.browser.findElement(By.id("error")).getText()).contains("CPU_TIME")
			.contains("worker-loader.policies.demo.limits.cpu-time");
		// The live numbers come from /actuator/workerloader and count the kill.
		waitUpTo(30).until((driver) -> {
			String kills = driver.findElement(By.cssSelector("[data-stat='quota kills']")).getText();
			return !kills.isEmpty() && !kills.equals("–") && Integer.parseInt(kills) >= 1;
		});
		assertThat(this.browser.findElement(By.cssSelector("[data-stat='runtime']")).getText()).isNotBlank();
	}

	@Test
	void escapeAttemptsFailInsideTheSandbox() {
		// The demo listens on 127.0.0.1 only (issue 14).
		this.browser.get("http://127.0.0.1:" + this.port + "/");
		this.browser.findElement(By.id("example-escape")).click();
		this.browser.findElement(By.id("run")).click();
		waitUpTo(60).until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "ok"));
		String result = this.browser.findElement(By.id("result")).getText();
		assertThat(result).contains("\"Java.type\": \"ReferenceError")
			.contains("\"require\": \"ReferenceError")
			.contains("\"stub.clear\": \"TypeError")
			.contains("\"env.SECRET\": \"TypeError");
	}

}
