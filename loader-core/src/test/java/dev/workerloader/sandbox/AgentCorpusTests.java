package dev.workerloader.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerRequest;
import dev.workerloader.WorkerResponse;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent corpus (issue 19): realistic, model-written Workers-style programs (fetch
 * handlers, URL manipulation, crypto digests, streams, timers) that must run here
 * unchanged. Each file in {@code agent-corpus/} says how it is called ({@code // mode:}
 * {@code run}, or {@code fetch METHOD URL [CONTENT-TYPE BODY]}) and what it returns
 * ({@code // expect:} JSON; for fetch, the status and body text). The expectations were
 * checked against another Workers-compatible runtime.
 */
class AgentCorpusTests {

	private static final int PROGRAMS = 31;

	private static final Pattern MODE = Pattern.compile("^// mode: (.*)$", Pattern.MULTILINE);

	private static final Pattern EXPECT = Pattern.compile("^// expect: (.*)$", Pattern.MULTILINE);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void startLoader() {
		// Generous CPU: the first program to load a library does it on a cold
		// interpreter.
		loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("default",
					WorkerLimits.DEFAULTS.withCpuTime(Duration.ofSeconds(20)).withWallTime(Duration.ofSeconds(30)))))
			.build();
	}

	@AfterAll
	static void stopLoader() {
		loader.close();
	}

	static Stream<String> programs() throws IOException {
		List<String> names = new java.util.ArrayList<>();
		try (InputStream index = AgentCorpusTests.class.getResourceAsStream("/agent-corpus/")) {
			if (index != null) {
				new String(index.readAllBytes(), StandardCharsets.UTF_8).lines()
					.filter((line) -> line.endsWith(".js"))
					.sorted()
					.forEach(names::add);
			}
		}
		assertThat(names).as("programs in agent-corpus/").hasSize(PROGRAMS);
		return names.stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("programs")
	void runsUnchanged(String program) throws Exception {
		String source;
		try (InputStream in = AgentCorpusTests.class.getResourceAsStream("/agent-corpus/" + program)) {
			source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		String mode = group(MODE, source);
		Object expected = json.readValue(group(EXPECT, source), Object.class);
		try (Worker worker = loader.load(WorkerCode.builder().name(program).module("agent.js", source).build())) {
			if (mode.equals("run")) {
				assertThat(worker.getEntrypoint().call("run")).isEqualTo(expected);
				return;
			}
			String[] parts = mode.split(" ", 5);
			WorkerRequest request = (parts.length > 3 && !parts[3].equals("-"))
					? WorkerRequest.of(parts[1], parts[2], parts[3], (parts.length > 4) ? parts[4] : "")
					: new WorkerRequest(parts[1], parts[2], Map.of(), null);
			WorkerResponse response = worker.getEntrypoint().fetch(request);
			assertThat(Map.of("status", response.status(), "body", response.text())).isEqualTo(expected);
		}
	}

	private static String group(Pattern pattern, String source) {
		Matcher matcher = pattern.matcher(source);
		assertThat(matcher.find()).as(pattern.pattern()).isTrue();
		return matcher.group(1);
	}

}
