package dev.workerloader.sandbox;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerListener;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up warm-up (issue 18) runs synthetic workers through the real load and call
 * path, and leaves no trace where operators look: no listener event, no load count, no
 * parse-cache entry or statistic.
 */
class StartupWarmUpTests {

	@Test
	void warmUpRunsTheRealPathAndLeavesNoTraceForOperators() {
		AtomicInteger events = new AtomicInteger();
		WorkerListener counting = new WorkerListener() {

			@Override
			public void loaded(LoadEvent event) {
				events.incrementAndGet();
			}

			@Override
			public InvocationScope invocationStarted(InvocationStart start) {
				events.incrementAndGet();
				return InvocationScope.NOOP;
			}

		};
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("default", WorkerLimits.DEFAULTS)))
			.listener(counting)
			.build()) {
			WarmUpResult result = loader.warmUp(40, Duration.ofMinutes(2));
			assertThat(result.loads()).isEqualTo(40);
			assertThat(result.stoppedByTime()).isFalse();
			assertThat(result.first()).isPositive();
			assertThat(result.last()).isPositive();
			assertThat(result.describe()).contains("40 synthetic workers");
			assertThat(events).hasValue(0);
			assertThat(loader.loadCount()).isZero();
			assertThat(loader.sourceCache().size()).isZero();
			assertThat(loader.sourceCache().misses()).isZero();
			assertThat(loader.activeWorkers()).isZero();
			// The loader serves real work afterwards, and that work is seen.
			try (Worker worker = loader
				.load(WorkerCode.builder().module("main.js", "export default { run() { return 42; } }").build())) {
				assertThat(worker.getEntrypoint().call("run")).isEqualTo(42);
			}
			assertThat(events).hasValue(2);
			assertThat(loader.loadCount()).isOne();
		}
	}

	@Test
	void warmUpStopsAtItsTimeLimit() {
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("default", WorkerLimits.DEFAULTS)))
			.build()) {
			WarmUpResult result = loader.warmUp(1_000_000, Duration.ofMillis(1));
			assertThat(result.stoppedByTime()).isTrue();
			assertThat(result.loads()).isLessThan(1_000_000);
			assertThat(result.describe()).contains("stopped by its time limit");
		}
	}

}
