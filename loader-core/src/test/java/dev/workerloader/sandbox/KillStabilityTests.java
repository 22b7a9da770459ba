package dev.workerloader.sandbox;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerClosedException;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Killing runaways leaks neither threads nor heap.
 */
class KillStabilityTests {

	private static final WorkerLimits LIMITS = WorkerLimits.DEFAULTS.withCpuTime(Duration.ofMillis(30))
		.withWallTime(Duration.ofMillis(60))
		.withMemory(16L * 1024 * 1024);

	private static final String[] RUNAWAYS = { "run() { while (true) {} }",
			"async run(p, env) { return await env.svc.never(); }",
			"run() { const a = []; for (;;) a.push({ s: 'x' + a.length }); }" };

	@Test
	void twoHundredKillsLeaveThreadsAndHeapWhereTheyStarted() {
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("default", LIMITS).withBindings("*")))
			.build()) {
			killRunaways(loader, 15);
			// Reaper threads idle out after 2 s.
			await().atMost(Duration.ofSeconds(20)).until(() -> loader.watchdog().reaperThreads() == 0);
			int threadsBefore = threadCount();
			long heapBefore = heapAfterGc();

			killRunaways(loader, 200);

			// A killed worker finishes closing on the reaper thread, just after its
			// caller
			// got the exception.
			await().atMost(Duration.ofSeconds(10)).until(() -> loader.activeWorkers() == 0);
			System.out.println("Before 200 kills: " + threadsBefore + " threads, " + heapBefore / 1024 / 1024
					+ " MiB heap after GC; after: " + threadCount() + " threads, " + heapAfterGc() / 1024 / 1024
					+ " MiB; kills " + loader.quotaKills());
			await().atMost(Duration.ofSeconds(20)).until(() -> threadCount() <= threadsBefore + 2);
			await().atMost(Duration.ofSeconds(20)).until(() -> heapAfterGc() <= heapBefore + 32L * 1024 * 1024);
			try (Worker fresh = loader.load(WorkerCode.of("export default { ping() { return 'pong'; } }"))) {
				assertThat(fresh.getEntrypoint().call("ping")).isEqualTo("pong");
			}
		}
	}

	private static void killRunaways(GraalWorkerLoader loader, int count) {
		for (int i = 0; i < count; i++) {
			WorkerCode code = WorkerCode.builder()
				.module("agent.js", "export default { " + RUNAWAYS[i % RUNAWAYS.length] + " }")
				.env("svc", new QuotaKillTests.Services(), QuotaKillTests.ServicesApi.class)
				.build();
			// A cold JVM may exceed the CPU quota while loading already: that is a kill
			// too.
			// A kill that lands just as the load returns closes the worker before the
			// call: the call then says so.
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> {
				try (Worker worker = loader.load(code)) {
					worker.getEntrypoint().call("run");
				}
			}).satisfies((ex) -> {
				if (ex instanceof WorkerQuotaExceededException exceeded) {
					assertThat(exceeded.kind()).isIn(QuotaKind.CPU_TIME, QuotaKind.WALL_TIME, QuotaKind.MEMORY);
				}
				else {
					assertThat(ex).isInstanceOf(WorkerClosedException.class).hasMessageContaining("quota");
				}
			});
		}
	}

	private static int threadCount() {
		return ManagementFactory.getThreadMXBean().getThreadCount();
	}

	private static long heapAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}
