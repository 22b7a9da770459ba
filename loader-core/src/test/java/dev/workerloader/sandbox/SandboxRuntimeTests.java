package dev.workerloader.sandbox;

import java.time.Duration;

import dev.workerloader.WorkerLoaderStatistics.RuntimeDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What runs the sandboxes. The build sets {@code workerloader.expect-jit=true} when it
 * runs the tests on JDK 25 with the Graal compiler on the upgrade module path; a silent
 * fallback to the interpreter must fail the build there.
 */
class SandboxRuntimeTests {

	@Test
	void reportsGraalJsVersionAndJdk() {
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().build()) {
			assertThat(loader.awaitReady(Duration.ofMinutes(2))).isTrue();
			RuntimeDescriptor runtime = loader.runtime();
			assertThat(runtime).isNotNull();
			assertThat(runtime.graalVersion()).isEqualTo("25.0.5");
			assertThat(runtime.jdk()).startsWith(System.getProperty("java.version"));
		}
	}

	@Test
	@EnabledIfSystemProperty(named = "workerloader.expect-jit", matches = "true")
	void optimizingJitIsActiveWhenTheBuildExpectsIt() {
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().build()) {
			assertThat(loader.awaitReady(Duration.ofMinutes(2))).isTrue();
			RuntimeDescriptor runtime = loader.runtime();
			assertThat(runtime).isNotNull();
			assertThat(runtime.implementation()).isEqualTo("GraalVM CE");
			assertThat(runtime.jit()).isTrue();
		}
	}

}
