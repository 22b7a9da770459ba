package dev.workerloader.hostile;

import java.time.Duration;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.sandbox.GraalWorkerLoader;

/**
 * Runs single huge allocations in a JVM with a 256 MiB heap, for
 * {@link MemoryExhaustionTests}: each under a default-sized budget (256 MiB, as large as
 * the heap), so that the heap itself, the heap guard or GraalJS's length limits stop it.
 * Prints one {@code RESULT} line per bomb and {@code SURVIVED} at the end.
 *
 * @author Worker Loader team
 */
public final class HostileMemoryMain {

	static final String[][] BOMBS = { { "repeat-512m", "return 'x'.repeat(2 ** 29).length;" },
			{ "typed-array-1g", "return new Float64Array(1.25e8).length;" },
			{ "array-fill-200m", "return new Array(2.5e7).fill(1.5).length;" },
			{ "spread-huge", "return Math.max(...new Array(3e7).fill(1));" },
			{ "string-doubling", "let s = 'x'; for (;;) s = s + s;" },
			{ "padEnd", "return ''.padEnd(2 ** 28, 'ab').length;" } };

	private HostileMemoryMain() {
	}

	public static void main(String[] args) {
		WorkerLimits limits = WorkerLimits.DEFAULTS.withCpuTime(Duration.ofSeconds(60))
			.withWallTime(Duration.ofSeconds(60));
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("default", limits)))
			.heapGuardThreshold(0.7)
			.build()) {
			for (String[] bomb : BOMBS) {
				System.out.println("RESULT " + bomb[0] + " " + run(loader, bomb[1]));
			}
			try (Worker fresh = loader.load(WorkerCode.of("export default { ping() { return 'pong'; } }"))) {
				System.out.println("FRESH " + fresh.getEntrypoint().call("ping"));
			}
		}
		System.out.println("SURVIVED");
		System.exit(0);
	}

	private static String run(GraalWorkerLoader loader, String bomb) {
		try (Worker worker = loader.load(WorkerCode.of("export default { run() { " + bomb + " } }"))) {
			return "NOT-STOPPED " + worker.getEntrypoint().call("run");
		}
		catch (WorkerQuotaExceededException ex) {
			return ex.kind() + " (" + ex.getMessage() + ")";
		}
		catch (WorkerException ex) {
			return ex.getName() + " (" + ex.getMessage() + ")";
		}
	}

}
