package dev.workerloader.hostile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerClosedException;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.WorkerLoader;
import dev.workerloader.hostile.Hostile.Tier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.workerloader.hostile.Hostile.assertHostAliveAndClean;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Attack: racing the lifecycle. Closing or evicting a worker while it runs, many workers
 * at once on two cores, and a kill while an async binding call is outstanding: each
 * caller gets a typed error, and the loader's accounting comes back to zero. Runs on both
 * tiers (issue 16).
 *
 * @author Worker Loader team
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.workerloader.hostile.Hostile#loaderTiers")
class LifecycleAttackTests {

	private static WorkerLoader loader;

	@Parameter
	Tier tier;

	@BeforeParameterizedClassInvocation
	static void startLoader(Tier tier) {
		loader = Hostile.loader(tier, (builder) -> builder.threads(4), (builder) -> {
		});
	}

	@AfterParameterizedClassInvocation
	static void stopLoader() {
		Hostile.close(loader);
	}

	@AfterEach
	void accountingReturnsToZero() {
		await().atMost(Duration.ofSeconds(20)).until(() -> Hostile.activeWorkers(loader) == 0);
		assertHostAliveAndClean(loader);
	}

	@Test
	void closeWhileRunningStopsTheCall() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		Worker worker = loader.load(spinning(started, "run(p, env) { env.signal.started(); while (true) {} }"));
		CompletableFuture<Object> call = worker.getEntrypoint().callAsync("run", null);
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		worker.close();
		assertThat(call).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(WorkerClosedException.class);
		assertThatExceptionOfType(WorkerClosedException.class).isThrownBy(() -> worker.getEntrypoint().call("run"));
	}

	@Test
	void evictWhileRunningStopsTheCallAndTheNextGetLoadsAgain() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		Supplier<WorkerCode> code = () -> spinning(started,
				"run(spin, env) { if (spin) { env.signal.started(); while (true) {} } return 'fresh'; }");
		Worker kept = loader.get("evict-while-running", code);
		CompletableFuture<Object> call = kept.getEntrypoint().callAsync("run", true);
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(loader.evict("evict-while-running")).isTrue();
		assertThat(call).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(WorkerClosedException.class);
		Worker again = loader.get("evict-while-running", code);
		assertThat(again).isNotSameAs(kept);
		assertThat(again.getEntrypoint().call("run", false)).isEqualTo("fresh");
		loader.evict("evict-while-running");
	}

	@Test
	void manyWorkersAtOnceOnTwoCoresAllAnswerOrAreStoppedByTheirOwnQuota() throws Exception {
		int good = 60;
		int bad = 12;
		CountDownLatch go = new CountDownLatch(1);
		List<CompletableFuture<Object>> goodCalls = new ArrayList<>();
		List<CompletableFuture<Object>> badCalls = new ArrayList<>();
		for (int i = 0; i < good + bad; i++) {
			boolean runaway = i % 6 == 5;
			String policy = runaway ? "cpu" : "default";
			String method = runaway ? "run() { while (true) {} }"
					: "run(n) { let s = 0; for (let i = 0; i < 1000; i++) s += i; return s + n; }";
			int n = i;
			CompletableFuture<Object> call = CompletableFuture.supplyAsync(() -> {
				try {
					go.await();
				}
				catch (InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
				try (Worker worker = loader.load(Hostile.code(policy, method))) {
					return worker.getEntrypoint().call("run", n);
				}
			}, (task) -> new Thread(task).start());
			(runaway ? badCalls : goodCalls).add(call);
		}
		go.countDown();
		CompletableFuture.allOf(goodCalls.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
		for (int i = 0; i < goodCalls.size(); i++) {
			assertThat(goodCalls.get(i).get()).isInstanceOf(Number.class);
		}
		assertThat(goodCalls).hasSize(good);
		for (CompletableFuture<Object> call : badCalls) {
			assertThat(call).failsWithin(Duration.ofSeconds(60))
				.withThrowableOfType(java.util.concurrent.ExecutionException.class)
				.havingCause()
				.isInstanceOfSatisfying(WorkerQuotaExceededException.class,
						(ex) -> assertThat(ex.kind()).isEqualTo(QuotaKind.CPU_TIME));
		}
	}

	@Test
	void killDuringAnAsyncBindingCallIgnoresTheLateAnswer() {
		CompletableFuture<String> pending = new CompletableFuture<>();
		WorkerCode code = WorkerCode.builder()
			.module("agent.js",
					"export default { async run(p, env) { const v = await env.slow.answer();"
							+ " globalThis.late = v; return v; } }")
			.env("slow", (Slow) () -> pending, Slow.class)
			.policy("wall")
			.build();
		try (Worker worker = loader.load(code)) {
			assertThatExceptionOfType(WorkerQuotaExceededException.class)
				.isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(QuotaKind.WALL_TIME));
			// The host answers after the kill: nothing runs in the dead context, nothing
			// throws here.
			pending.complete("too late");
			assertThat(worker.isClosed()).isTrue();
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("run"));
		}
	}

	@Test
	void closeDuringLoadOfAnotherWorkerDoesNotDisturbIt() throws Exception {
		Worker runaway = loader.load(Hostile.code("default", "run() { while (true) {} }"));
		CompletableFuture<Object> call = runaway.getEntrypoint().callAsync("run", null);
		try (Worker bystander = loader.load(Hostile.code("default", "run() { return 'steady'; }"))) {
			runaway.close();
			assertThat(bystander.getEntrypoint().call("run")).isEqualTo("steady");
		}
		assertThat(call).failsWithin(Duration.ofSeconds(10));
	}

	private static WorkerCode spinning(CountDownLatch started, String method) {
		return WorkerCode.builder()
			.module("agent.js", "export default { " + method + " }")
			.env("signal", (Signal) started::countDown, Signal.class)
			.build();
	}

	/**
	 * Tells the test that the guest is running.
	 */
	@FunctionalInterface
	public interface Signal {

		void started();

	}

	/**
	 * An async binding.
	 */
	@FunctionalInterface
	public interface Slow {

		CompletableFuture<String> answer();

	}

}
