package dev.workerloader.sandbox;

import java.time.Duration;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoadException;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every refusal before compiling names the limit, the value found and the property.
 */
class CodeChecksTests {

	private static final WorkerLimits SMALL = new WorkerLimits(Duration.ofSeconds(1), Duration.ofSeconds(10),
			256L * 1024 * 1024, 1024 * 1024, 0, 300, 2, 50, 64 * 1024, 6);

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void startLoader() {
		loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("default", WorkerLimits.DEFAULTS),
					WorkerPolicy.of("small", SMALL)))
			.build();
	}

	@AfterAll
	static void closeLoader() {
		loader.close();
	}

	@Test
	void refusesTooManyModules() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "export default {}")
			.module("a.js", "")
			.module("b.js", "")
			.policy("small")
			.build();
		assertRefused(code, "TooManyModules", "has 3 modules, over the limit of 2 of policy 'small'",
				"worker-loader.policies.small.limits.modules");
	}

	@Test
	void refusesTooMuchCode() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "export default {}; // " + "x".repeat(400))
			.policy("small")
			.build();
		assertRefused(code, "CodeTooLarge", "has 422 characters of code, over the limit of 300 of policy 'small'",
				"worker-loader.policies.small.limits.code-size");
	}

	@Test
	void refusesTooLargeEnv() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "export default {}")
			.env("DATA", "y".repeat(100))
			.policy("small")
			.build();
		assertRefused(code, "EnvTooLarge", "its env is 111 characters as JSON, over the limit of 50 of policy 'small'",
				"worker-loader.policies.small.limits.env-size");
	}

	@Test
	void refusesCodeNestedTooDeeply() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "export default { f() {\n return [[[[[[1]]]]]]; } }")
			.policy("small")
			.build();
		WorkerLoadException ex = assertRefused(code, "NestingTooDeep",
				"has brackets nested 8 deep in module 'agent.js' (line 2, column 14), over the nesting-depth limit of 6"
						+ " of policy 'small'",
				"worker-loader.policies.small.limits.nesting-depth");
		assertThat(ex.getModule()).isEqualTo("agent.js");
		assertThat(ex.getLine()).isEqualTo(2);
	}

	@Test
	void refusesJsonModuleNestedTooDeeply() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "export default {}")
			.jsonModule("data.json", "[".repeat(7) + "]".repeat(7))
			.policy("small")
			.build();
		assertRefused(code, "NestingTooDeep", "brackets nested 7 deep in module 'data.json'",
				"worker-loader.policies.small.limits.nesting-depth");
	}

	@Test
	void refusesSyntaxErrorWithModuleLineAndColumn() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "import { f } from './lib/util.js';\nexport default { run() { return f(); } }")
			.module("lib/util.js", "export function f() {\n  return 1 +;\n}")
			.build();
		WorkerLoadException ex = assertThatExceptionOfType(WorkerLoadException.class)
			.isThrownBy(() -> loader.load(code))
			.actual();
		assertThat(ex.getName()).isEqualTo("SyntaxError");
		assertThat(ex.getModule()).isEqualTo("lib/util.js");
		assertThat(ex.getLine()).isEqualTo(2);
		assertThat(ex.getColumn()).isPositive();
		assertThat(ex.getMessage()).contains("module 'lib/util.js' at line 2, column").doesNotContain("/app/");
	}

	@Test
	void refusesSyntaxErrorInAModuleThatIsNeverImported() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "export default { run() { return 1; } }")
			.module("unused.js", "let = = 1;")
			.build();
		assertThatExceptionOfType(WorkerLoadException.class).isThrownBy(() -> loader.load(code)).satisfies((ex) -> {
			assertThat(ex.getName()).isEqualTo("SyntaxError");
			assertThat(ex.getModule()).isEqualTo("unused.js");
			assertThat(ex.getLine()).isEqualTo(1);
		});
	}

	@Test
	void acceptsCodeWithinEveryLimit() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "export default { run() { return `${[1, 2].map((x) => x * 2)}`; } }")
			.policy("small")
			.build();
		try (Worker worker = loader.load(code)) {
			assertThat(worker.getEntrypoint().call("run")).isEqualTo("2,4");
		}
	}

	private static WorkerLoadException assertRefused(WorkerCode code, String name, String found, String property) {
		WorkerLoadException ex = assertThatExceptionOfType(WorkerLoadException.class)
			.isThrownBy(() -> loader.load(code))
			.actual();
		assertThat(ex.getName()).isEqualTo(name);
		assertThat(ex.getMessage()).contains("was refused", found, property);
		return ex;
	}

}
