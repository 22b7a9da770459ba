package dev.workerloader.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;

/**
 * Runs memory bombs in a JVM with a small heap, for {@link MemoryBombTests}: each bomb
 * once under a per-invocation memory budget and once with a budget so large that only the
 * heap guard can stop it. A bystander thread allocates all along, as other requests of
 * the application would. Prints one line per bomb and {@code SURVIVED} at the end.
 */
public final class MemoryBombMain {

	static final String[][] BOMBS = { { "array-fill", "const a = []; for (;;) a.push(new Array(1e5).fill(1.5));" },
			{ "small-objects", "const a = []; let i = 0; for (;;) a.push({ i: i++, s: 'x' + i });" },
			{ "string-doubling",
					"let s = 'x'; const keep = []; for (;;) { s = s + s; keep.push(s); if (s.indexOf('y') >= 0) break; }" } };

	private static volatile Throwable bystanderFailure;

	private MemoryBombMain() {
	}

	public static void main(String[] args) throws Exception {
		WorkerLimits guardOnly = WorkerLimits.DEFAULTS.withCpuTime(Duration.ofSeconds(120))
			.withWallTime(Duration.ofSeconds(120))
			.withMemory(Long.MAX_VALUE / 2);
		WorkerLimits budget = guardOnly.withMemory(64L * 1024 * 1024);
		Thread bystander = startBystander();
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("default", WorkerLimits.DEFAULTS),
					WorkerPolicy.of("budget", budget), WorkerPolicy.of("guard", guardOnly)))
			.heapGuardThreshold(0.6)
			.build()) {
			for (String[] bomb : BOMBS) {
				for (String policy : new String[] { "budget", "guard" }) {
					System.out.println("RESULT " + bomb[0] + " " + policy + " " + run(loader, bomb[1], policy));
				}
			}
			try (Worker fresh = loader.load(WorkerCode.of("export default { ping() { return 'pong'; } }"))) {
				System.out.println("FRESH " + fresh.getEntrypoint().call("ping"));
			}
			System.out.println("KILLS " + loader.quotaKills());
		}
		bystander.interrupt();
		bystander.join();
		System.out.println("BYSTANDER " + ((bystanderFailure == null) ? "ok" : bystanderFailure.toString()));
		System.out.println("SURVIVED");
		System.exit(0);
	}

	private static String run(GraalWorkerLoader loader, String bomb, String policy) {
		long start = System.nanoTime();
		try (Worker worker = loader.load(WorkerCode.builder()
			.module("agent.js", "export default { run() { " + bomb + " } }")
			.policy(policy)
			.build())) {
			worker.getEntrypoint().call("run");
			return "NOT-STOPPED";
		}
		catch (WorkerQuotaExceededException ex) {
			return ex.kind() + " after " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms ("
					+ ex.getMessage() + ")";
		}
		catch (WorkerException ex) {
			return "OTHER " + ex.getName() + ": " + ex.getMessage();
		}
	}

	private static Thread startBystander() {
		Thread thread = new Thread(() -> {
			List<byte[]> window = new ArrayList<>();
			try {
				while (!Thread.currentThread().isInterrupted()) {
					window.add(new byte[1024]);
					if (window.size() > 1000) {
						window.clear();
					}
					Thread.sleep(0, 100_000);
				}
			}
			catch (InterruptedException ex) {
				// Done.
			}
			catch (Throwable ex) {
				bystanderFailure = ex;
			}
		}, "bystander");
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

}
