package dev.workerloader.benchmarks;

import java.time.Duration;
import java.util.Arrays;

import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.sandbox.GraalWorkerLoader;

/**
 * How far past its 50 ms CPU limit a runaway gets before it is stopped, over many runs of
 * a tight loop, a try/catch loop and a backtracking regular expression:
 * <ul>
 * <li>detection: CPU used past the limit when the watchdog decided (polling and
 * sampling);</li>
 * <li>stop: from that decision to the exception on the sandbox thread
 * (cancellation);</li>
 * <li>total: detection plus stop, the time the runaway ran past its limit.</li>
 * </ul>
 */
public final class KillLatency {

	private static final String[] SCRIPTS = { "while (true) {}",
			"for (;;) { try { throw 1; } catch (e) {} finally {} }",
			"return /^(a+)+\\\\1$/.test('a'.repeat(40) + 'b');" };

	private KillLatency() {
	}

	public static void main(String[] args) {
		int runs = (args.length > 0) ? Integer.parseInt(args[0]) : 200;
		WorkerPolicy policy = WorkerPolicy.of("default",
				WorkerLimits.DEFAULTS.withCpuTime(Duration.ofMillis(50)).withMemory(8L * 1024 * 1024 * 1024));
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().policies(PolicyResolver.of(policy)).build()) {
			loader.awaitReady(Duration.ofMinutes(2));
			double[] detection = new double[runs];
			double[] stop = new double[runs];
			double[] total = new double[runs];
			int n = 0;
			for (int i = 0; n < runs; i++) {
				String body = SCRIPTS[i % SCRIPTS.length];
				try (Worker worker = loader.load(WorkerCode.of("export default { run() { " + body + " } }"))) {
					worker.getEntrypoint().call("run");
				}
				catch (WorkerQuotaExceededException ex) {
					if (i < 30 || ex.kind() != QuotaKind.CPU_TIME) {
						continue; // warm-up, or another quota
					}
					detection[n] = (ex.used() - ex.limit()) / 1e6;
					stop[n] = loader.lastKillLatencyNanos() / 1e6;
					total[n] = detection[n] + stop[n];
					n++;
				}
			}
			print("detection", detection);
			print("stop", stop);
			print("total", total);
		}
	}

	private static void print(String what, double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int n = sorted.length;
		System.out.printf(
				"kill latency %-9s (ms past a 50 ms CPU limit, %d runs): min %.2f, p50 %.2f, p90 %.2f, p99 %.2f, max %.2f%n",
				what, n, sorted[0], sorted[n / 2], sorted[n * 9 / 10], sorted[n * 99 / 100], sorted[n - 1]);
	}

}
