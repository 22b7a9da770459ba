package dev.workerloader.hostile;

import dev.workerloader.Invocation;
import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerLoadException;
import dev.workerloader.policy.WorkerLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.workerloader.hostile.Hostile.assertHostAliveAndClean;
import static dev.workerloader.hostile.Hostile.assertKilled;
import static dev.workerloader.hostile.Hostile.assertNoSecret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Attack: floods and sizes. Console floods are cut at the log size, oversized code, env
 * and nesting are refused before anything is compiled, and a giant single expression
 * either runs or is a typed load error, never a host stack overflow.
 *
 * @author Worker Loader team
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.workerloader.hostile.Hostile#loaderTiers")
class FloodAndSizeTests extends BothTiers {

	@AfterEach
	void hostIsAliveAndClean() {
		assertHostAliveAndClean(loader);
	}

	@Test
	void consoleFloodIsCutAtTheLogSize() {
		long limit = WorkerLimits.DEFAULTS.logSize();
		try (Worker worker = loader.load(Hostile.code("default",
				"run() { for (let i = 0; i < 2e4; i++) console.log('flood ' + i + ' ' + 'x'.repeat(100)); return 'done'; }"))) {
			Invocation invocation = worker.getEntrypoint().invoke("run");
			assertThat(invocation.value()).isEqualTo("done");
			assertThat(invocation.logsTruncated()).isTrue();
			long kept = invocation.logs().stream().mapToLong((entry) -> entry.message().length()).sum();
			assertThat(kept).isLessThanOrEqualTo(limit + 200);
			// The next invocation starts with an empty buffer.
			assertThat(worker.getEntrypoint().invoke("run").logs().get(0).message()).startsWith("flood 0 ");
		}
	}

	@Test
	void endlessConsoleFloodIsStoppedForCpuTime() {
		assertKilled(loader, this.tier, "cpu", "run() { for (;;) console.error('x'.repeat(1000)); }",
				QuotaKind.CPU_TIME);
	}

	@Test
	void consoleOfHugeOrHostileValuesStaysBounded() {
		try (Worker worker = loader.load(Hostile.code("default", "run() { const loop = {}; loop.self = loop;"
				+ " const evil = { toJSON() { throw new Error('boom'); } };"
				+ " const liar = new Proxy({}, { get() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); } });"
				+ " console.log(loop); console.log(evil); console.log(liar); console.log('y'.repeat(1e6)); return 'ok'; }"))) {
			Invocation invocation = worker.getEntrypoint().invoke("run");
			assertThat(invocation.value()).isEqualTo("ok");
			assertThat(invocation.logs().stream().mapToLong((entry) -> entry.message().length()).sum())
				.isLessThanOrEqualTo(WorkerLimits.DEFAULTS.logSize() + 200);
		}
	}

	@Test
	void oversizedCodeIsRefusedBeforeCompiling() {
		String big = "export default { run() { return 1; } }\n// " + "x".repeat((int) WorkerLimits.DEFAULTS.codeSize());
		assertThatExceptionOfType(WorkerLoadException.class).isThrownBy(() -> loader.load(WorkerCode.of(big)))
			.satisfies((ex) -> {
				assertThat(ex.getName()).isEqualTo("CodeTooLarge");
				assertThat(ex.getMessage()).contains("code-size").doesNotContain("xxxxxxxx");
				assertNoSecret(ex);
			});
	}

	@Test
	void tooManyModulesAreRefused() {
		WorkerCode.Builder builder = WorkerCode.builder().module("agent.js", "export default { run() { return 1; } }");
		for (int i = 0; i <= WorkerLimits.DEFAULTS.modules(); i++) {
			builder.module("m" + i + ".js", "export const x = " + i + ";");
		}
		assertThatExceptionOfType(WorkerLoadException.class).isThrownBy(() -> loader.load(builder.build()))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("TooManyModules"));
	}

	@Test
	void oversizedEnvIsRefused() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "export default { run(p, env) { return env.BLOB.length; } }")
			.env("BLOB", "z".repeat((int) WorkerLimits.DEFAULTS.envSize()))
			.build();
		assertThatExceptionOfType(WorkerLoadException.class).isThrownBy(() -> loader.load(code)).satisfies((ex) -> {
			assertThat(ex.getName()).isEqualTo("EnvTooLarge");
			assertThat(ex.getMessage()).contains("env-size").doesNotContain("zzzzzzzz");
			assertNoSecret(ex);
		});
	}

	@Test
	void deepNestingIsRefusedBeforeTheParserSeesIt() {
		String nested = "export default { run() { return " + "[".repeat(5000) + "]".repeat(5000) + "; } }";
		assertThatExceptionOfType(WorkerLoadException.class).isThrownBy(() -> loader.load(WorkerCode.of(nested)))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("NestingTooDeep"));
	}

	@Test
	void deepNestingInAJsonModuleIsRefused() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "import data from './d.json'; export default { run() { return 1; } }")
			.jsonModule("d.json", "[".repeat(5000) + "]".repeat(5000))
			.build();
		assertThatExceptionOfType(WorkerLoadException.class).isThrownBy(() -> loader.load(code))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("NestingTooDeep"));
	}

	@Test
	void deepNestingBuiltAtRunTimeIsAGuestError() {
		try (Worker worker = loader
			.load(Hostile.code("default", "run() { const src = 'return ' + '('.repeat(1e5) + '1' + ')'.repeat(1e5);"
					+ " try { return new Function(src)(); } catch (e) { return e.name; } }"))) {
			assertThat(worker.getEntrypoint().call("run")).isIn("RangeError", "SyntaxError", "InternalError");
		}
	}

	@Test
	void giantSingleExpressionRunsOrIsATypedLoadError() {
		// 150,000 terms in one flat expression: under the code size, no nesting.
		String source = "export default { run() { return " + "1+".repeat(150_000) + "1; } }";
		try (Worker worker = loader.load(WorkerCode.of(source))) {
			assertThat(worker.getEntrypoint().call("run")).isEqualTo(150_001);
		}
		catch (WorkerException ex) {
			System.out.println("[hostile] giant expression: " + ex.getMessage());
			assertThat(ex).isInstanceOf(WorkerLoadException.class);
			assertThat(ex.getMessage()).contains("too long or deep for the parser");
		}
	}

	@Test
	void giantLiteralsRunWithinTheirBudgets() {
		String array = "export default { run() { const a = [" + "7,".repeat(100_000) + "]; return a.length; } }";
		String object = "export default { run() { const o = {" + java.util.stream.IntStream.range(0, 20_000)
			.mapToObj((i) -> "k" + i + ":" + i)
			.reduce((a, b) -> a + "," + b)
			.orElseThrow() + "}; return Object.keys(o).length; } }";
		try (Worker first = loader.load(WorkerCode.of(array)); Worker second = loader.load(WorkerCode.of(object))) {
			assertThat(first.getEntrypoint().call("run")).isEqualTo(100_000);
			assertThat(second.getEntrypoint().call("run")).isEqualTo(20_000);
		}
	}

	@Test
	void oversizedResultIsStoppedForOutput() {
		assertKilled(loader, this.tier, "default", "run() { return 'r'.repeat(2 * 1024 * 1024); }", QuotaKind.OUTPUT);
	}

}
