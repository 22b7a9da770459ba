package dev.workerloader.sandbox;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Each runaway kind is stopped by its quota, reported with the kind, the limit and the
 * amount used, and the loader keeps serving afterwards. Real GraalJS contexts; no timing
 * assertions beyond "used reached the limit".
 */
public class QuotaKillTests {

	private static final WorkerLimits CPU = WorkerLimits.DEFAULTS.withCpuTime(Duration.ofMillis(100))
		.withWallTime(Duration.ofSeconds(20))
		.withMemory(8L * 1024 * 1024 * 1024);

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void startLoader() {
		loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("default", WorkerLimits.DEFAULTS).withBindings("*"),
					// Only the stack decides: a cold JIT must not turn deep recursion
					// into a quota kill.
					WorkerPolicy
						.of("roomy",
								WorkerLimits.DEFAULTS.withCpuTime(Duration.ofSeconds(30))
									.withWallTime(Duration.ofSeconds(30))
									.withMemory(4L * 1024 * 1024 * 1024))
						.withBindings("*"),
					WorkerPolicy.of("cpu", CPU).withBindings("*"),
					WorkerPolicy.of("wall", WorkerLimits.DEFAULTS.withWallTime(Duration.ofMillis(300)))
						.withBindings("*"),
					WorkerPolicy.of("memory", CPU.withCpuTime(Duration.ofSeconds(20)).withMemory(32L * 1024 * 1024)),
					WorkerPolicy.of("output",
							new WorkerLimits(Duration.ofSeconds(1), Duration.ofSeconds(10), 256L * 1024 * 1024, 1000, 0,
									1024 * 1024, 64, 64 * 1024, 64 * 1024, 128)),
					WorkerPolicy.of("statements", WorkerLimits.DEFAULTS.withStatements(10_000))))
			.build();
		assertThat(loader.awaitReady(Duration.ofSeconds(60))).isTrue();
	}

	@AfterAll
	static void closeLoader() {
		loader.close();
	}

	@Test
	void tightLoopIsStoppedForCpuTime() {
		assertKilled("cpu", "run() { while (true) {} }", QuotaKind.CPU_TIME, CPU.cpuTime().toNanos());
	}

	@Test
	void loopThatCatchesAndRetriesIsStopped() {
		assertKilled("cpu",
				"run() { for (;;) { try { while (true) {} } catch (e) { continue; } finally { continue; } } }",
				QuotaKind.CPU_TIME, CPU.cpuTime().toNanos());
	}

	@Test
	void awaitLoopIsStopped() {
		assertKilled("cpu", "async run() { for (;;) { try { await null; } catch (e) {} } }", QuotaKind.CPU_TIME,
				CPU.cpuTime().toNanos());
	}

	@Test
	void microtaskChainIsStopped() {
		assertKilled("cpu",
				"run() { const again = () => Promise.resolve().then(again); again(); return new Promise(() => {}); }",
				QuotaKind.CPU_TIME, CPU.cpuTime().toNanos());
	}

	@Test
	void backtrackingRegexWithBackreferenceIsStopped() {
		assertKilled("cpu", "run() { return /^(a+)+\\1$/.test('a'.repeat(40) + 'b'); }", QuotaKind.CPU_TIME,
				CPU.cpuTime().toNanos());
	}

	@Test
	void hugeSortIsStopped() {
		assertKilled("cpu", "run() { for (;;) { const a = []; for (let i = 0; i < 3e6; i++) a.push((i * 7919) % 3e6);"
				+ " a.sort((x, y) => x - y); } }", QuotaKind.CPU_TIME, CPU.cpuTime().toNanos());
	}

	@Test
	void longJsonIsStopped() {
		assertKilled("cpu", "run() { const big = []; for (let i = 0; i < 2e5; i++) big.push({ i, s: 'x' + i });"
				+ " for (;;) JSON.parse(JSON.stringify(big)); }", QuotaKind.CPU_TIME, CPU.cpuTime().toNanos());
	}

	@Test
	void neverAnsweringAsyncBindingIsStoppedForWallTime() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "export default { async run(p, env) { return await env.svc.never(); } }")
			.env("svc", new Services(), ServicesApi.class)
			.policy("wall")
			.build();
		try (Worker worker = loader.load(code)) {
			assertThatExceptionOfType(WorkerQuotaExceededException.class)
				.isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> {
					assertThat(ex.kind()).isEqualTo(QuotaKind.WALL_TIME);
					assertThat(ex.used()).isGreaterThanOrEqualTo(ex.limit());
					assertThat(ex.limit()).isEqualTo(Duration.ofMillis(300).toNanos());
				});
		}
		assertHostKeepsServing();
	}

	@Test
	void blockingSyncBindingIsStoppedForWallTime() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "export default { run(p, env) { return env.svc.block(); } }")
			.env("svc", new Services(), ServicesApi.class)
			.policy("wall")
			.build();
		try (Worker worker = loader.load(code)) {
			assertThatExceptionOfType(WorkerQuotaExceededException.class)
				.isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(QuotaKind.WALL_TIME));
		}
		assertHostKeepsServing();
	}

	@Test
	void allocationBeyondTheMemoryBudgetIsStopped() {
		assertKilled("memory", "run() { const a = []; for (;;) a.push(new Array(1000).fill(1.5)); }", QuotaKind.MEMORY,
				32L * 1024 * 1024);
	}

	@Test
	void largeArrayGrowthIsCountedByTheAllocationBudget() {
		// Measured (issue 13): the sandbox thread's counter sees every one of these;
		// under
		// a tight CPU limit a cold interpreter simply burns CPU faster than it allocates.
		for (String growth : new String[] { "const keep = []; for (;;) keep.push(new Array(1e6).fill(1.5));",
				"let a = [1.5]; for (;;) a = a.concat(a);",
				"const keep = []; for (;;) keep.push(new Float64Array(1e6));",
				"const keep = []; for (;;) keep.push('x'.repeat(1e7));" }) {
			assertKilled("memory", "run() { " + growth + " }", QuotaKind.MEMORY, 32L * 1024 * 1024);
		}
	}

	@Test
	void memoryKillSaysTheQuotaIsAnAllocationBudget() {
		// An await loop retains nothing but allocates a promise per turn: it spends the
		// budget, and the message says what was counted.
		WorkerQuotaExceededException ex = assertKilled("memory", "async run() { for (;;) { await null; } }",
				QuotaKind.MEMORY, 32L * 1024 * 1024);
		assertThat(ex.getMessage()).contains("MEMORY", "policy 'memory'", "garbage included", "allocation budget",
				"worker-loader.policies.memory.limits.memory");
	}

	@Test
	void resultLargerThanTheOutputLimitIsStopped() {
		assertKilled("output", "run() { return 'x'.repeat(5000); }", QuotaKind.OUTPUT, 1000);
	}

	@Test
	void statementLimitStopsTheWorker() {
		assertKilled("statements", "run() { let n = 0; for (;;) { n++; } }", QuotaKind.STATEMENTS, 10_000);
	}

	@Test
	void statementLimitDoesNotCountTheRuntime() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "export default { run() { return 1 + 1; } }")
			.policy("statements")
			.build();
		try (Worker worker = loader.load(code)) {
			for (int i = 0; i < 50; i++) {
				assertThat(worker.getEntrypoint().call("run")).isEqualTo(2);
			}
		}
	}

	@Test
	void killMessageNamesWorkerPolicyLimitAndProperty() {
		WorkerQuotaExceededException ex = assertKilled("cpu", "run() { while (true) {} }", QuotaKind.CPU_TIME,
				CPU.cpuTime().toNanos());
		assertThat(ex.getMessage()).contains("'quota-cpu'", "CPU_TIME", "limit 100 ms", "policy 'cpu'",
				"worker-loader.policies.cpu.limits.cpu-time");
	}

	@Test
	void killsAreCountedByKind() {
		long before = loader.quotaKills().get(QuotaKind.CPU_TIME);
		assertKilled("cpu", "run() { while (true) {} }", QuotaKind.CPU_TIME, CPU.cpuTime().toNanos());
		assertThat(loader.quotaKills().get(QuotaKind.CPU_TIME)).isEqualTo(before + 1);
	}

	@Test
	void keptWorkerIsDroppedAndRecreatedAfterAKill() {
		Supplier<WorkerCode> code = () -> WorkerCode.builder()
			.module("agent.js",
					"let calls = 0; export default { run(spin) { calls++; if (spin) { while (true) {} }"
							+ " return calls; } }")
			.policy("cpu")
			.build();
		Worker first = loader.get("kept-kill", code);
		assertThat(first.getEntrypoint().call("run", false)).isEqualTo(1);
		assertThatExceptionOfType(WorkerQuotaExceededException.class)
			.isThrownBy(() -> first.getEntrypoint().call("run", true));
		assertThat(first.isClosed()).isTrue();
		Worker second = loader.get("kept-kill", code);
		assertThat(second).isNotSameAs(first);
		assertThat(second.getEntrypoint().call("run", false)).isEqualTo(1);
		loader.evict("kept-kill");
	}

	@Test
	void deepRecursionEndsAsAGuestRangeError() {
		try (Worker worker = loader.load(WorkerCode.builder()
			.module("agent.js",
					"function f(n) { return f(n + 1) + 1; }\n" + "export default { run() { return f(0); },"
							+ " caught() { try { return f(0); } catch (e) { return e instanceof RangeError; } } }")
			.policy("roomy")
			.build())) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("RangeError"));
			assertThat(worker.getEntrypoint().call("caught")).isEqualTo(true);
		}
		assertHostKeepsServing();
	}

	@Test
	void deepRecursionThroughABindingEndsAsAGuestRangeError() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "function f(env, n) { env.svc.echo(n); return f(env, n + 1) + 1; }\n"
					+ "export default { run(p, env) { try { return f(env, 0); } catch (e) { return e.name; } } }")
			.env("svc", new Services(), ServicesApi.class)
			.policy("roomy")
			.build();
		try (Worker worker = loader.load(code)) {
			assertThat(worker.getEntrypoint().call("run")).isEqualTo("RangeError");
			assertThat(worker.getEntrypoint().call("run")).isEqualTo("RangeError");
		}
		assertHostKeepsServing();
	}

	private static WorkerQuotaExceededException assertKilled(String policy, String method, QuotaKind kind, long limit) {
		WorkerCode code = WorkerCode.builder()
			.name("quota-" + policy)
			.module("agent.js", "export default { " + method + " }")
			.policy(policy)
			.build();
		WorkerQuotaExceededException[] thrown = new WorkerQuotaExceededException[1];
		try (Worker worker = loader.load(code)) {
			long start = System.nanoTime();
			assertThatExceptionOfType(WorkerQuotaExceededException.class)
				.isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> {
					thrown[0] = ex;
					assertThat(ex.kind()).isEqualTo(kind);
					assertThat(ex.limit()).isEqualTo(limit);
					assertThat(ex.used()).isGreaterThanOrEqualTo(limit);
				});
			System.out.println(kind + " kill of '" + policy + "': call returned after "
					+ Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms, used " + thrown[0].used());
			assertThat(worker.isClosed()).isTrue();
		}
		assertHostKeepsServing();
		return thrown[0];
	}

	static void assertHostKeepsServing() {
		try (Worker fresh = loader.load(WorkerCode.of("export default { ping() { return 'pong'; } }"))) {
			assertThat(fresh.getEntrypoint().call("ping")).isEqualTo("pong");
		}
	}

	/**
	 * What the test bindings expose.
	 */
	public interface ServicesApi {

		CompletableFuture<String> never();

		int echo(int value);

		String block();

	}

	static final class Services implements ServicesApi {

		@Override
		public CompletableFuture<String> never() {
			return new CompletableFuture<>();
		}

		@Override
		public int echo(int value) {
			return value;
		}

		@Override
		public String block() {
			try {
				Thread.sleep(60_000);
				return "woke";
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return "interrupted";
			}
		}

	}

}
