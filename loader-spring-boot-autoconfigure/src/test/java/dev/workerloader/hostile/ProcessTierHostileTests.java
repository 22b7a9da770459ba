package dev.workerloader.hostile;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerHostFailedException;
import dev.workerloader.WorkerMethod;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.binding.ExposedBinding;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerIsolation;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.process.ProcessWorkerLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.workerloader.hostile.Hostile.assertHostAliveAndClean;
import static dev.workerloader.hostile.Hostile.assertNoSecret;
import static dev.workerloader.hostile.Hostile.code;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The hostile suite's runaways against the process-isolation tier (issue 16): the same
 * attacks as {@link CpuExhaustionTests}, {@link MemoryExhaustionTests} and the waiting
 * faults, run in worker host processes. Each ends typed (the host's sandbox stops it by
 * quota, or the host is killed and the worker fails with the cause), nothing the caller
 * sees holds the policy's secret, and the next worker finds a clean host.
 *
 * @author Worker Loader team
 */
class ProcessTierHostileTests {

	private static final WorkerIsolation PROCESS = WorkerIsolation.process(192L * 1024 * 1024);

	private static ProcessWorkerLoader loader;

	@BeforeAll
	static void startLoader() {
		loader = ProcessWorkerLoader.builder()
			.policies(PolicyResolver.of(Hostile.policy("default", WorkerLimits.DEFAULTS).withIsolation(PROCESS),
					Hostile.policy("cpu", Hostile.CPU).withIsolation(PROCESS),
					Hostile.policy("memory", Hostile.MEMORY).withIsolation(PROCESS),
					Hostile.policy("wall", Hostile.WALL).withIsolation(PROCESS),
					Hostile.policy("secret", WorkerLimits.DEFAULTS)
						.withVars(Map.of())
						.withSecrets(Map.of("API_KEY", Hostile.SECRET))
						.withIsolation(PROCESS)))
			.bindings(BindingProvider.of(ExposedBinding.of("faults", new Faults(), null)))
			.hostsPerPool(1)
			.build();
	}

	@AfterAll
	static void stopLoader() {
		loader.close();
	}

	@AfterEach
	void hostIsAliveAndClean() {
		assertHostAliveAndClean(loader);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = { "tight loop|cpu|CPU_TIME|run() { while (true) {} }",
			"finally that swallows the kill|cpu|CPU_TIME|run() { for (;;) { try { while (true) {} } finally { globalThis.again = true; } } }",
			"microtask chain|cpu|CPU_TIME|run() { const again = () => Promise.resolve().then(again); again(); return new Promise(() => {}); }",
			"backtracking regex|cpu|CPU_TIME|run() { for (;;) /^(a+)+\\1$/.test('a'.repeat(40) + 'b'); }",
			"catastrophic JSON.stringify of a shared graph|cpu|CPU_TIME|run() { let x = [1]; for (let i = 0; i < 22; i++) { x = [x, x]; } for (;;) JSON.stringify(x); }",
			"array fill growth|memory|MEMORY|run() { const a = []; for (;;) a.push(new Array(1e4).fill(1.5)); }",
			"string doubling kept|memory|MEMORY|run() { let s = 'x'; const keep = []; for (;;) { s = s + s; s.indexOf('y'); keep.push(s); } }",
			"typed arrays kept|memory|MEMORY|run() { const keep = []; for (;;) keep.push(new Float64Array(1e5)); }" })
	void everyRunawayEndsTyped(String attack, String policy, QuotaKind kind, String methods) {
		Throwable thrown;
		try (Worker worker = loader.load(code(policy, methods))) {
			thrown = catchThrowable(() -> worker.getEntrypoint().call("run"));
		}
		catch (WorkerException ex) {
			// A cold host may already stop the worker while it loads.
			thrown = ex;
		}
		assertThat(thrown).as(attack).isInstanceOf(WorkerException.class);
		assertNoSecret((WorkerException) thrown);
		if (thrown instanceof WorkerQuotaExceededException quota) {
			// A long built-in may first exceed the wall time on a starved machine.
			assertThat(quota.kind()).as(attack).isIn(kind, QuotaKind.WALL_TIME);
		}
		else {
			assertThat(thrown).as(attack).isInstanceOf(WorkerHostFailedException.class);
		}
	}

	@Test
	void anAsyncBindingThatNeverAnswersIsStoppedForWallTimeAndTheCallerReturns() {
		try (Worker worker = loader.load(WorkerCode.builder()
			.module("agent.js", "export default { async run(p, env) { return await env.faults.never(); } }")
			.policy("wall")
			.env("faults")
			.build())) {
			assertThatExceptionOfType(WorkerQuotaExceededException.class)
				.isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(QuotaKind.WALL_TIME))
				.satisfies(Hostile::assertNoSecret);
		}
	}

	@Test
	void aSecretIsRedactedFromWhatCrossesTheChannel() {
		try (Worker worker = loader
			.load(code("secret", "run(p, env) { console.log(env.API_KEY); throw new Error('key ' + env.API_KEY); }"))) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies(Hostile::assertNoSecret)
				.satisfies((ex) -> assertThat(ex.getGuestMessage()).contains("[redacted]"));
		}
	}

	/** A binding whose answer never comes. */
	public static final class Faults {

		@WorkerMethod
		public CompletableFuture<String> never() {
			return new CompletableFuture<>();
		}

	}

}
