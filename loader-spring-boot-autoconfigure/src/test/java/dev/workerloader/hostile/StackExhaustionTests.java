package dev.workerloader.hostile;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerHostFailedException;
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

import static dev.workerloader.hostile.Hostile.assertCompletesWithin;
import static dev.workerloader.hostile.Hostile.assertHostAliveAndClean;
import static dev.workerloader.hostile.Hostile.assertNoSecret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Attack: exhausting the stack, in the guest alone or through the host: a binding that
 * calls back into a worker through the loader. Deep recursion ends as a guest
 * {@code RangeError}; a worker calling itself through a binding is refused at once; a
 * cycle of workers, or a chain longer than there are sandbox threads, is stopped by the
 * wall-time quota and every thread comes back (before issue 8 these deadlocked a sandbox
 * thread for good, and the loader could not even be closed).
 *
 * @author Worker Loader team
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.workerloader.hostile.Hostile#loaderTiers")
class StackExhaustionTests {

	private static WorkerLoader loader;

	@Parameter
	Tier tier;

	@BeforeParameterizedClassInvocation
	static void startLoader(Tier tier) {
		loader = Hostile.loader(tier, (builder) -> builder.threads(3), (builder) -> {
		});
	}

	@AfterParameterizedClassInvocation
	static void stopLoader() {
		assertCompletesWithin(Duration.ofSeconds(30), () -> Hostile.close(loader));
	}

	@AfterEach
	void hostIsAliveAndClean() {
		await().atMost(Duration.ofSeconds(20)).until(() -> Hostile.activeWorkers(loader) == 0);
		assertHostAliveAndClean(loader);
	}

	@Test
	void deepRecursionIsAGuestRangeError() {
		try (Worker worker = loader.load(Hostile.code("roomy",
				"run() { const f = (n) => f(n + 1) + 1; return f(0); }, caught() { const f = (n) => f(n + 1) + 1;"
						+ " try { return f(0); } catch (e) { return e.name; } }"))) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> {
					assertThat(ex.getName()).isEqualTo("RangeError");
					assertNoSecret(ex);
				});
			assertThat(worker.getEntrypoint().call("caught")).isEqualTo("RangeError");
		}
	}

	@Test
	void deepRecursionInsideToStringAndGettersIsAGuestRangeError() {
		try (Worker worker = loader.load(Hostile.code("roomy", "run() { const o = {}; o.toString = () => `${o}`;"
				+ " const p = new Proxy({}, { get: (t, k) => p[k] }); const r = [];"
				+ " try { String(o); } catch (e) { r.push(e.name); } try { p.x; } catch (e) { r.push(e.name); } return r; }"))) {
			assertThat(worker.getEntrypoint().call("run")).isEqualTo(java.util.List.of("RangeError", "RangeError"));
		}
	}

	@Test
	void workerCallingItselfThroughABindingIsRefusedAtOnce() {
		AtomicReference<Worker> self = new AtomicReference<>();
		WorkerCode code = WorkerCode.builder()
			.module("agent.js",
					"export default { run(p, env) { try { return env.loop.call(p + 1); }"
							+ " catch (e) { return 'refused: ' + e.message; } } }")
			.env("loop", (Loopback) (depth) -> self.get().getEntrypoint().call("run", depth), Loopback.class)
			.policy("wall")
			.build();
		try (Worker worker = loader.load(code)) {
			self.set(worker);
			assertCompletesWithin(Duration.ofSeconds(10),
					() -> assertThat((String) worker.getEntrypoint().call("run", 0)).startsWith("refused: ")
						.contains("called from one of its own bindings"));
			assertThat(worker.isClosed()).isFalse();
		}
	}

	@Test
	void twoWorkersCallingEachOtherAreStoppedForWallTime() {
		AtomicReference<Worker> first = new AtomicReference<>();
		AtomicReference<Worker> second = new AtomicReference<>();
		try (Worker a = loader.load(pingPong("a", second)); Worker b = loader.load(pingPong("b", first))) {
			first.set(a);
			second.set(b);
			if (this.tier.isProcess()) {
				// On the process tier the whole cycle runs its bindings on this one
				// thread, so b calling a back is a worker called from its own binding:
				// refused at once (b fails, and a's call of b with it), not a deadlock.
				assertCompletesWithin(Duration.ofSeconds(20),
						() -> assertThatExceptionOfType(WorkerException.class)
							.isThrownBy(() -> a.getEntrypoint().call("run", 0))
							.satisfies((ex) -> {
								assertThat(ex).isNotInstanceOf(WorkerQuotaExceededException.class);
								assertThat(ex.getGuestMessage()).contains("env.other.call failed on the host");
								assertNoSecret(ex);
							}));
				return;
			}
			assertCompletesWithin(Duration.ofSeconds(20),
					() -> assertThatExceptionOfType(WorkerQuotaExceededException.class)
						.isThrownBy(() -> a.getEntrypoint().call("run", 0))
						.satisfies((ex) -> {
							assertThat(ex.kind()).isEqualTo(QuotaKind.WALL_TIME);
							assertThat(ex.used()).isGreaterThanOrEqualTo(ex.limit());
						}));
		}
	}

	@Test
	void chainLongerThanTheSandboxThreadsIsStoppedForWallTime() {
		if (this.tier.isProcess()) {
			// Each level's binding runs on the caller's thread and loads the next worker
			// in the same host: unbounded, the chain grew until the host died (CRASHED),
			// taking its other workers with it. Now loading the fifth level is refused
			// (ProcessWorker.MAX_NESTING), the refusal unwinds the chain as the guests'
			// errors, and the host lives on.
			long restarts = Hostile.hostRestarts(loader);
			assertCompletesWithin(Duration.ofSeconds(60), () -> {
				// Not stopped by a quota, so not closed by one: closed here.
				try (Worker first = chainLink()) {
					assertThatExceptionOfType(WorkerException.class)
						.isThrownBy(() -> first.getEntrypoint().call("run", 0))
						.satisfies((ex) -> {
							assertThat(ex).isNotInstanceOf(WorkerHostFailedException.class);
							assertNoSecret(ex);
						});
				}
			});
			assertThat(Hostile.hostRestarts(loader)).isEqualTo(restarts);
			return;
		}
		// Each binding call loads a new worker and waits for it: with 3 sandbox threads
		// the fourth level can never start.
		assertCompletesWithin(Duration.ofSeconds(20),
				() -> assertThatExceptionOfType(WorkerQuotaExceededException.class)
					.isThrownBy(() -> chainLink().getEntrypoint().call("run", 0))
					.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(QuotaKind.WALL_TIME)));
	}

	private static Worker chainLink() {
		return loader.load(WorkerCode.builder()
			.module("agent.js", "export default { run(depth, env) { return env.next.call(depth + 1); } }")
			.env("next", (Loopback) (depth) -> {
				try (Worker next = chainLink()) {
					return next.getEntrypoint().call("run", depth);
				}
			}, Loopback.class)
			.policy("wall")
			.build());
	}

	private static WorkerCode pingPong(String name, AtomicReference<Worker> other) {
		return WorkerCode.builder()
			.name("ping-pong-" + name)
			.module("agent.js", "export default { run(depth, env) { return env.other.call(depth + 1); } }")
			.env("other", (Loopback) (depth) -> other.get().getEntrypoint().call("run", depth), Loopback.class)
			.policy("wall")
			.build();
	}

	/**
	 * A binding that calls a worker.
	 */
	@FunctionalInterface
	public interface Loopback {

		Object call(int depth);

	}

}
