package dev.workerloader.benchmarks;

import java.time.Duration;
import java.util.Arrays;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.sandbox.GraalWorkerLoader;

/**
 * How long after its 50 ms CPU limit a runaway is stopped: the call's elapsed time minus
 * the limit, over many runs. Prints the distribution.
 */
public final class KillLatency {

	private KillLatency() {
	}

	public static void main(String[] args) {
		int runs = (args.length > 0) ? Integer.parseInt(args[0]) : 200;
		WorkerPolicy policy = WorkerPolicy.of("default", WorkerLimits.DEFAULTS.withCpuTime(Duration.ofMillis(50)));
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().policies(PolicyResolver.of(policy)).build()) {
			loader.awaitReady(Duration.ofMinutes(2));
			double[] overshoot = new double[runs];
			String[] scripts = { "while (true) {}", "for (;;) { try { throw 1; } catch (e) {} finally {} }",
					"async function f() { for (;;) { await null; } } return f();" };
			for (int i = 0; i < runs + 20; i++) {
				String body = scripts[i % scripts.length];
				try (Worker worker = loader.load(WorkerCode.of("export default { run() { " + body + " } }"))) {
					long start = System.nanoTime();
					try {
						worker.getEntrypoint().call("run");
					}
					catch (WorkerQuotaExceededException ex) {
						long elapsed = System.nanoTime() - start;
						if (i >= 20) {
							overshoot[i - 20] = (elapsed - ex.limit()) / 1e6;
						}
					}
				}
			}
			Arrays.sort(overshoot);
			System.out.printf("kill latency after a 50 ms CPU limit, %d runs (ms past the limit): min %.2f, p50 %.2f, p90 %.2f, p99 %.2f, max %.2f%n",
					runs, overshoot[0], overshoot[runs / 2], overshoot[runs * 9 / 10], overshoot[runs * 99 / 100],
					overshoot[runs - 1]);
		}
	}

}
