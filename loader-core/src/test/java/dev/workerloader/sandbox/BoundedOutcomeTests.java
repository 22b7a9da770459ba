package dev.workerloader.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.workerloader.LogEntry;
import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerListener;
import dev.workerloader.WorkerLoadException;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Every answer is typed and bounded (issue 13): a killed invocation stuck in a long
 * built-in is answered within the wall limit plus a generous second and its thread is
 * replaced; results are serialised under the output quota; what the codec refuses is a
 * typed error; error names are clipped; a top-level await that never settles is a load
 * error. Real GraalJS; the only time bound is the generous one.
 *
 * @author Worker Loader team
 */
class BoundedOutcomeTests {

	private static final WorkerLimits LIMITS = WorkerLimits.DEFAULTS.withCpuTime(Duration.ofMillis(200))
		.withWallTime(Duration.ofSeconds(2))
		.withMemory(8L * 1024 * 1024 * 1024);

	private static final List<WorkerListener.InvocationEnd> ends = new CopyOnWriteArrayList<>();

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void startLoader() {
		loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("default", LIMITS),
					WorkerPolicy.of("roomy",
							LIMITS.withCpuTime(Duration.ofSeconds(2)).withWallTime(Duration.ofSeconds(10)))))
			.threads(1)
			.listener(new WorkerListener() {
				@Override
				public InvocationScope invocationStarted(InvocationStart start) {
					return ends::add;
				}
			})
			.build();
		assertThat(loader.awaitReady(Duration.ofSeconds(60))).isTrue();
	}

	@AfterAll
	static void closeLoader() {
		loader.close();
	}

	@Test
	void stuckBuiltinIsAnsweredInTimeAndItsThreadReplaced() {
		// Each JSON.stringify of this graph runs for a second or more without seeing a
		// cancellation.
		String code = "export default { run() { let g = [{}]; for (let i = 0; i < 23; i++) g = [g, g];"
				+ " for (;;) JSON.stringify(g).length; } }";
		long abandonedBefore = loader.threads().abandoned();
		ends.clear();
		long start = System.nanoTime();
		try (Worker worker = loader.load(WorkerCode.of(code))) {
			assertThatExceptionOfType(WorkerQuotaExceededException.class)
				.isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> assertThat(ex.kind()).isIn(QuotaKind.CPU_TIME, QuotaKind.WALL_TIME));
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LIMITS.wallTime().plusSeconds(1));
		// The observation finished with the quota, even if the thread has not returned.
		assertThat(ends).singleElement().satisfies((end) -> assertThat(end.quota()).isNotNull());
		assertThat(loader.threads().abandoned()).isGreaterThan(abandonedBefore);
		// One sandbox thread only: this runs on the replacement.
		try (Worker worker = loader.load(WorkerCode.of("export default { ping() { return 'pong'; } }"))) {
			assertThat(worker.getEntrypoint().call("ping")).isEqualTo("pong");
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> loader.threads().lingering() == 0);
		assertThat(loader.threads().returned()).isPositive();
		assertThat(loader.threads().maxLinger()).isNotNull();
	}

	@Test
	void thirtyMegabyteResultIsAnOutputKill() {
		// Serialised natively, 30 MB is about a second of CPU before the output check;
		// under
		// the output bound it stops after the limit. Two seconds of CPU leave room for
		// building the string on a starved two-core machine.
		assertOutputKill(WorkerCode.builder()
			.module("main.js", "export default { run() { return 'x'.repeat(30 * 1024 * 1024); } }")
			.policy("roomy")
			.build());
	}

	@Test
	void resultGraphOfSharedReferencesIsAnOutputKill() {
		// Serialised natively this graph is seconds of CPU (a CPU_TIME kill); under the
		// output bound it stops after about a megabyte. Two seconds of CPU leave room for
		// the bounded walk on a cold interpreter.
		assertOutputKill(WorkerCode.builder()
			.module("main.js",
					"export default { run() { let g = [{}]; for (let i = 0; i < 25; i++) g = [g, g]; return g; } }")
			.policy("roomy")
			.build());
	}

	@Test
	void resultTheCodecCannotReadIsATypedError() {
		try (Worker worker = loader
			.load(WorkerCode.of("export default { run() { return { ['k'.repeat(100000)]: 1 }; } }"))) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("RangeError"))
				.withMessageContaining("cannot be returned: it has a key longer than the JSON reader allows")
				.withMessageNotContaining("jackson");
		}
	}

	@Test
	void hugeErrorNameIsClipped() {
		try (Worker worker = loader.load(WorkerCode
			.of("export default { run() { const e = new Error('m'); e.name = 'N'.repeat(2e7); throw e; } }"))) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> assertThat(ex.getName()).hasSizeLessThanOrEqualTo(67))
				.satisfies((ex) -> assertThat(ex.getMessage()).hasSizeLessThan(5000));
		}
	}

	@Test
	void topLevelAwaitThatNeverSettlesIsALoadError() {
		assertThatExceptionOfType(WorkerLoadException.class).isThrownBy(
				() -> loader.load(WorkerCode.of("await new Promise(() => {}); export default { run() { return 1; } }")))
			.withMessageContaining("never finished evaluating its modules")
			.withMessageNotContaining("*default*");
	}

	@Test
	void errorThrownWhileModulesEvaluateIsTheGuestsOwn() {
		assertThatExceptionOfType(WorkerLoadException.class)
			.isThrownBy(() -> loader.load(WorkerCode.of("null.x; export default { run() { return 1; } }")))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("TypeError"))
			.withMessageNotContaining("com.oracle")
			.withMessageNotContaining("InternalError");
	}

	@Test
	void emptyConsoleEntriesAreChargedAndCapped() {
		try (Worker worker = loader.load(WorkerCode.builder()
			.module("main.js", "export default { run() { for (let i = 0; i < 5000; i++) console.log(''); return 1; } }")
			.policy("roomy")
			.build())) {
			List<LogEntry> logs = worker.getEntrypoint().invoke("run", null).logs();
			assertThat(logs).hasSizeLessThanOrEqualTo(LogSink.Buffer.MAX_ENTRIES + 1);
			assertThat(logs.get(logs.size() - 1).message()).contains("output truncated");
		}
	}

	@Test
	void bindingArgumentsOverTheOutputCapAreRefused() {
		WorkerLimits small = LIMITS.withCpuTime(Duration.ofSeconds(5)).withWallTime(Duration.ofSeconds(10));
		small = new WorkerLimits(small.cpuTime(), small.wallTime(), small.memory(), 4096, small.statements(),
				small.codeSize(), small.modules(), small.envSize(), small.logSize(), small.nestingDepth());
		try (GraalWorkerLoader bound = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("default", small).withBindings("ECHO")))
			.bindings(dev.workerloader.binding.BindingProvider
				.of(dev.workerloader.binding.ExposedBinding.of("ECHO", new Echo(), EchoApi.class)))
			.poolMin(0)
			.poolMax(0)
			.build();
				Worker worker = bound.load(WorkerCode.builder()
					.module("main.js",
							"export default { run(p, env) { try { return env.ECHO.size('x'.repeat(p)); }"
									+ " catch (e) { return e.message; } } }")
					.env("ECHO")
					.build())) {
			assertThat(worker.getEntrypoint().call("run", 100)).isEqualTo(100);
			assertThat(worker.getEntrypoint().call("run", 100_000)).asString()
				.contains("env.ECHO.size was called with 100004 characters of arguments, over the 4096")
				.contains("worker-loader.policies.default.limits.output");
		}
	}

	public interface EchoApi {

		int size(String text);

	}

	static final class Echo implements EchoApi {

		@Override
		public int size(String text) {
			return text.length();
		}

	}

	private static void assertOutputKill(WorkerCode code) {
		long start = System.nanoTime();
		try (Worker worker = loader.load(code)) {
			assertThatExceptionOfType(WorkerQuotaExceededException.class)
				.isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(QuotaKind.OUTPUT));
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(11));
	}

}
