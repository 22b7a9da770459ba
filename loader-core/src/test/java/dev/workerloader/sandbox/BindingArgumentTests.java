package dev.workerloader.sandbox;

import java.time.Duration;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Binding arguments are converted without silent loss (issue 19): a value that would lose
 * a fraction, overflow or change type is an invalid-argument error naming the parameter
 * and what the value was.
 */
class BindingArgumentTests {

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void startLoader() {
		loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("default", WorkerLimits.DEFAULTS).withBindings("*")))
			.build();
	}

	@AfterAll
	static void stopLoader() {
		loader.close();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			"add(100, 0.5)|argument 2 ('b') must be an int, but was a number with a fraction (0.5)",
			"add('1', 2)|argument 1 ('a') must be an int, but was a string",
			"add(2 ** 40, 1)|argument 1 ('a') must be an int, but was a number out of its range (1099511627776)",
			"add(true, 1)|argument 1 ('a') must be an int, but was a boolean",
			"scale(1.5, 'x')|argument 2 ('factor') must be a double, but was a string",
			"flag(1)|argument 1 ('on') must be a boolean, but was a number", "add(100, 2.0)|102",
			"wide(2 ** 40)|1099511627777", "scale(3, 0.5)|1.5", "flag(false)|false" })
	void argumentsConvertWithoutSilentLoss(String call, String expected) {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js",
					"export default { run(p, env) { try { return String(env.calc." + call
							+ "); } catch (e) { return e.message; } } }")
			.env("calc", new Calculator(), CalculatorApi.class)
			.build();
		try (Worker worker = loader.load(code)) {
			assertThat((String) worker.getEntrypoint().call("run")).contains(expected);
		}
	}

	public interface CalculatorApi {

		int add(int a, int b);

		long wide(long value);

		double scale(double value, double factor);

		boolean flag(boolean on);

	}

	static final class Calculator implements CalculatorApi {

		@Override
		public int add(int a, int b) {
			return a + b;
		}

		@Override
		public long wide(long value) {
			return value + 1;
		}

		@Override
		public double scale(double value, double factor) {
			return value * factor;
		}

		@Override
		public boolean flag(boolean on) {
			return on;
		}

	}

}
