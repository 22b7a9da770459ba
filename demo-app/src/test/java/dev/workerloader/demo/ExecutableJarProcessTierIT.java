package dev.workerloader.demo;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo as users ship it, {@code java -jar demo-app.jar}, with its {@code demo} policy
 * switched to the process tier by a command-line property (issue 16): the worker hosts
 * must start from the jars inside the executable jar, and an agent that posts to the chat
 * room through its binding must be answered over real HTTP. Runs after the
 * {@code package} phase (failsafe), on loopback only.
 *
 * @author Worker Loader team
 */
class ExecutableJarProcessTierIT {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void theExecutableJarRunsAProcessPolicyInWorkerHostsCopiedOutOfIt() throws Exception {
		Path jar = executableJar();
		Path work = Files.createDirectories(Path.of("target", "it-executable-jar"));
		Path tmp = Files.createTempDirectory(work, "tmp-");
		Path log = work.resolve("demo.log");
		int port = freePort();
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xss4m");
		command.add("-Djava.io.tmpdir=" + tmp.toAbsolutePath());
		for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
			// The Graal JIT set-up of this JVM, if any (hosts repeat it).
			if (option.startsWith("-XX:+UnlockExperimentalVMOptions") || option.startsWith("-XX:+EnableJVMCI")
					|| option.startsWith("--upgrade-module-path") || option.startsWith("--enable-native-access")
					|| option.startsWith("--sun-misc-unsafe-memory-access")) {
				command.add(option);
			}
		}
		command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port,
				"--worker-loader.policies.demo.isolation=process", "--worker-loader.process.hosts-per-pool=1",
				// Not what this test is about, and CPU the CI machine needs.
				"--worker-loader.warm-up.enabled=false"));
		Process app = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		try {
			awaitHealthy(app, port, log);
			String code = """
					export default {
					  async run(param, env) {
					    const posted = await env.CHAT_ROOM.post('agent', 'from a worker host about ' + param.topic);
					    return { text: posted.text, room: env.ROOM_NAME };
					  }
					};""";
			JsonNode result = post(port, "/api/agents/run", Map.of("code", code, "param", Map.of("topic", "jars")));
			assertThat(result.path("error").isNull() || result.path("error").isMissingNode()).as(result.toString())
				.isTrue();
			assertThat(result.path("value").path("text").asString()).isEqualTo("from a worker host about jars");
			assertThat(result.path("value").path("room").asString()).isEqualTo("General");
			JsonNode hosts = get(port, "/actuator/workerloader").path("hosts");
			assertThat(hosts.path("live").size()).as(hosts.toString()).isEqualTo(1);
			String output = Files.readString(log);
			assertThat(output).contains("Worker hosts run from jars copied out of");
			// Only the core's and the engine's jars: never the application's classes or
			// Spring.
			try (Stream<Path> dirs = Files.list(tmp)) {
				List<String> copied = dirs
					.filter((dir) -> dir.getFileName().toString().startsWith("worker-loader-host-"))
					.flatMap(ExecutableJarProcessTierIT::list)
					.toList();
				assertThat(copied).anyMatch((name) -> name.startsWith("loader-core-"))
					.anyMatch((name) -> name.startsWith("polyglot-"))
					.anyMatch((name) -> name.startsWith("js-language-"))
					.noneMatch((name) -> name.startsWith("spring-"))
					.noneMatch((name) -> name.startsWith("demo-app"));
			}
		}
		finally {
			app.descendants().forEach(ProcessHandle::destroyForcibly);
			app.destroyForcibly();
			app.waitFor();
		}
	}

	private static Stream<String> list(Path dir) {
		try (Stream<Path> files = Files.list(dir)) {
			return files.map((file) -> file.getFileName().toString()).toList().stream();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Path executableJar() throws IOException {
		try (Stream<Path> files = Files.list(Path.of("target"))) {
			return files.filter((file) -> file.getFileName().toString().matches("demo-app-[^-]+(-SNAPSHOT)?\\.jar"))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("No executable jar in target/: run 'package' first"));
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private void awaitHealthy(Process app, int port, Path log) throws Exception {
		try {
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofMinutes(3))
				.pollInterval(Duration.ofMillis(250))
				.until(() -> {
					if (!app.isAlive()) {
						throw new AssertionError(
								"The demo exited with " + app.exitValue() + ":\n" + Files.readString(log));
					}
					return healthy(port);
				});
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			throw new AssertionError("The demo did not become healthy within 3 minutes:\n" + Files.readString(log));
		}
	}

	private boolean healthy(int port) throws InterruptedException {
		try {
			return this.http
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
					.timeout(Duration.ofSeconds(5))
					.build(), HttpResponse.BodyHandlers.ofString())
				.statusCode() == 200;
		}
		catch (IOException ex) {
			// Not listening yet.
			return false;
		}
	}

	private JsonNode get(int port, String path) throws Exception {
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.timeout(Duration.ofSeconds(30))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json.readTree(response.body());
	}

	private JsonNode post(int port, String path, Object body) throws Exception {
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.timeout(Duration.ofSeconds(60))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json.readTree(response.body());
	}

}
