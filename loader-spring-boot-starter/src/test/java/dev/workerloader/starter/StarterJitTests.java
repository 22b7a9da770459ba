package dev.workerloader.starter;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

import dev.workerloader.testsupport.ForkedJvm;
import dev.workerloader.testsupport.ForkedJvm.Result;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JIT in a user's application (issue 14): an application started without the JIT
 * options logs one WARN saying why and what to add, fails to start with
 * {@code worker-loader.require-jit=true}, and with the options of the build's
 * {@code graal-jit} profile neither warns nor fails.
 */
class StarterJitTests {

	private static final String WARNING = "GraalJS runs guest code in its interpreter";

	@Test
	void interpretedStartupWarnsWithTheReasonAndTheOptionsToAdd() throws Exception {
		Result result = ForkedJvm.exec(List.of("-Xmx256m"), StarterApplication.class.getName(), Duration.ofMinutes(3));
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("result=42").contains("WARN").contains(WARNING);
		if (Runtime.version().feature() >= 25) {
			assertThat(result.output()).contains("JVMCI is not enabled")
				.contains("-XX:+EnableJVMCI")
				.contains("all at version " + Runtime.version().feature() + "." + Runtime.version().interim() + "."
						+ Runtime.version().update());
		}
		else {
			assertThat(result.output()).contains("needs JDK 25");
		}
		assertThat(result.output().split(WARNING, -1)).as("warned once").hasSize(2);
	}

	@Test
	void requireJitFailsStartupWhenInterpreted() throws Exception {
		Result result = ForkedJvm.exec(List.of("-Xmx256m"), StarterApplication.class.getName(), Duration.ofMinutes(3),
				"--worker-loader.require-jit=true");
		assertThat(result.exitCode()).as(result.output()).isNotZero();
		assertThat(result.output()).contains("APPLICATION FAILED TO START")
			.contains("worker-loader.require-jit is true, but GraalJS runs guest code in its interpreter")
			.contains("Action:")
			.contains("worker-loader.require-jit=false")
			.doesNotContain("result=42");
	}

	@Test
	void withTheJitOptionsThereIsNoWarningAndRequireJitPasses() throws Exception {
		Assumptions.assumeTrue(Boolean.getBoolean("workerloader.expect-jit"),
				"The build runs this JVM without the JIT (JDK < 25 or -Dworkerloader.interpreter)");
		List<String> jitOptions = ManagementFactory.getRuntimeMXBean()
			.getInputArguments()
			.stream()
			.filter((option) -> option.startsWith("-XX:+UnlockExperimentalVMOptions")
					|| option.startsWith("-XX:+EnableJVMCI") || option.startsWith("--upgrade-module-path"))
			.toList();
		assertThat(jitOptions).hasSize(3);
		Result result = ForkedJvm.exec(jitOptions, StarterApplication.class.getName(), Duration.ofMinutes(3),
				"--worker-loader.require-jit=true");
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("result=42").contains("optimizing JIT active").doesNotContain(WARNING);
	}

}
