package dev.workerloader.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.workerloader.Invocation;
import dev.workerloader.LogEntry;
import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
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

/**
 * Timers on the worker's own event loop (issue 19): they fire in order within the
 * invocation, keep it alive only within its wall-time limit, are capped per invocation,
 * and die with the invocation, a kill or a close.
 */
class GuestTimersTests {

	private static final Duration WALL = Duration.ofMillis(500);

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void startLoader() {
		loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(
					WorkerPolicy.of("default",
							WorkerLimits.DEFAULTS.withWallTime(Duration.ofSeconds(20))
								.withCpuTime(Duration.ofSeconds(10))),
					WorkerPolicy.of("wall",
							WorkerLimits.DEFAULTS.withWallTime(WALL).withCpuTime(Duration.ofSeconds(10)))))
			.build();
		assertThat(loader.awaitReady(Duration.ofSeconds(60))).isTrue();
	}

	@AfterAll
	static void stopLoader() {
		loader.close();
	}

	private static Object run(String body) {
		return run("default", body);
	}

	private static Object run(String policy, String body) {
		WorkerCode code = WorkerCode.builder()
			.policy(policy)
			.module("agent.js", "export default { async run(p, env, ctx) {\n" + body + "\n} }")
			.build();
		try (Worker worker = loader.load(code)) {
			return worker.getEntrypoint().call("run");
		}
	}

	@Test
	void timeoutsFireInOrderOfTheirDelay() {
		Object result = run("""
				const order = [];
				await new Promise((resolve) => {
				  setTimeout(() => order.push('b'), 20);
				  setTimeout(() => order.push('a'), 0);
				  setTimeout((x, y) => { order.push(x + y); resolve(); }, 40, 'c', 'd');
				  queueMicrotask(() => order.push('micro'));
				});
				return order;""");
		assertThat(result).isEqualTo(List.of("micro", "a", "b", "cd"));
	}

	@Test
	void clearedTimeoutNeverFires() {
		Object result = run("""
				let fired = false;
				const id = setTimeout(() => { fired = true; }, 10);
				clearTimeout(id);
				await new Promise((resolve) => setTimeout(resolve, 30));
				return { fired, type: typeof id };""");
		assertThat(result).isEqualTo(Map.of("fired", false, "type", "number"));
	}

	@Test
	void intervalRunsUntilCleared() {
		Object result = run("""
				let ticks = 0;
				await new Promise((resolve) => {
				  const id = setInterval(() => { if (++ticks === 5) { clearInterval(id); resolve(); } }, 1);
				});
				await new Promise((resolve) => setTimeout(resolve, 20));
				return ticks;""");
		assertThat(result).isEqualTo(5);
	}

	@Test
	void intervalThatNeverStopsEndsAtTheWallTimeLimit() {
		assertThatExceptionOfType(WorkerQuotaExceededException.class)
			.isThrownBy(() -> run("wall", "setInterval(() => {}, 1); return new Promise(() => {});"))
			.satisfies((ex) -> {
				assertThat(ex.kind()).isEqualTo(QuotaKind.WALL_TIME);
				assertThat(ex.limit()).isEqualTo(WALL.toNanos());
			});
	}

	@Test
	void timerLongerThanTheWallTimeLimitEndsTheInvocationThere() {
		assertThatExceptionOfType(WorkerQuotaExceededException.class)
			.isThrownBy(() -> run("wall", "await new Promise((r) => setTimeout(r, 60000)); return 'late';"))
			.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(QuotaKind.WALL_TIME));
	}

	@Test
	void timerStormHitsTheCapWithARangeError() {
		assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> run("for (;;) setTimeout(() => {}, 100000);"))
			.satisfies((ex) -> {
				assertThat(ex.getName()).isEqualTo("RangeError");
				assertThat(ex.getMessage()).contains("more than " + GuestTimers.MAX_PER_INVOCATION + " timers",
						"policy 'default'");
			});
	}

	@Test
	void neverSettlingPromiseIsStillDetectedWithoutPendingTimers() {
		assertThatExceptionOfType(WorkerException.class)
			.isThrownBy(
					() -> run("const id = setTimeout(() => {}, 50); clearTimeout(id); return new Promise(() => {});"))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("can never settle"));
	}

	@Test
	void timerInGlobalScopeIsRefusedWhenLoading() {
		WorkerCode code = WorkerCode.of("setTimeout(() => {}, 1); export default { run() { return 1; } }");
		assertThatExceptionOfType(WorkerLoadException.class).isThrownBy(() -> loader.load(code))
			.withMessageContaining("set a timer in global scope");
	}

	@Test
	void timersOfAnInvocationNeverReachTheNextOneOfAKeptWorker() {
		WorkerCode code = WorkerCode.of("""
				let fired = 0;
				export default {
				  first() {
				    setTimeout(() => fired++, 5);
				    // set after the result, by a callback the invocation leaves behind
				    Promise.resolve().then(() => setTimeout(() => fired++, 1));
				    return 'done';
				  },
				  async second() {
				    await new Promise((r) => setTimeout(r, 50));
				    return fired;
				  }
				}""");
		try (Worker worker = loader.get("timers-kept", code)) {
			assertThat(worker.getEntrypoint().call("first")).isEqualTo("done");
			assertThat(worker.getEntrypoint().call("second")).isEqualTo(0);
		}
	}

	@Test
	void uncaughtErrorInATimerIsLoggedAndTheInvocationGoesOn() {
		WorkerCode code = WorkerCode.of("""
				export default { async run() {
				  setTimeout(() => { throw new TypeError('boom'); }, 0);
				  await new Promise((r) => setTimeout(r, 10));
				  return 'alive';
				} }""");
		try (Worker worker = loader.load(code)) {
			Invocation invocation = worker.getEntrypoint().invoke("run", null);
			assertThat(invocation.value()).isEqualTo("alive");
			assertThat(invocation.logs()).extracting(LogEntry::message)
				.anySatisfy((message) -> assertThat(message).contains("Uncaught TypeError: boom"));
		}
	}

	@Test
	void timerCallbackMustBeAFunction() {
		assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> run("setTimeout('globalThis.x = 1', 1);"))
			.satisfies((ex) -> {
				assertThat(ex.getName()).isEqualTo("TypeError");
				assertThat(ex.getMessage()).contains("strings of code are not evaluated");
			});
	}

	@Test
	void closingAWorkerWithPendingTimersStopsTheCall() throws Exception {
		WorkerCode code = WorkerCode
			.of("export default { async run() { setInterval(() => {}, 1); await new Promise((r) => setTimeout(r, 60000)); } }");
		Worker worker = loader.load(code);
		var pending = worker.getEntrypoint().callAsync("run", null);
		Thread.sleep(100);
		worker.close();
		assertThatExceptionOfType(Exception.class).isThrownBy(pending::join);
		assertThat(pending).isCompletedExceptionally();
	}

}
