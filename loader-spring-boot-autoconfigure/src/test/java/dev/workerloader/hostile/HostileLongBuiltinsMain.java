package dev.workerloader.hostile;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.sandbox.GraalWorkerLoader;

/**
 * Runs the families of long built-ins and amplifications that ignore cancellation (issue
 * 13) under the policy a new user writes, 200 ms of CPU, 2 s of wall time and 64 MiB, in
 * a JVM with a small heap, for {@link LongBuiltinTests}. Each family runs a few times on
 * a loader with two sandbox threads, so a stuck thread that were not replaced would
 * starve the next run. Prints one {@code RESULT} line per run (family, outcome,
 * milliseconds from the call to the answer, milliseconds past the wall limit),
 * {@code LATENCY} lines with the distribution per family, the threads and heap before and
 * after, and {@code SURVIVED} at the end. A measuring harness: the test asserts outcomes
 * and a generous bound, not these timings.
 *
 * @author Worker Loader team
 */
public final class HostileLongBuiltinsMain {

	static final Duration CPU = Duration.ofMillis(200);

	static final Duration WALL = Duration.ofSeconds(2);

	static final long MEMORY = 64L * 1024 * 1024;

	static final String GRAPH = "let g = [{}]; for (let i = 0; i < 25; i++) g = [g, g];";

	/** Family name, method body, the outcomes that are right for it. */
	static final String[][] FAMILIES = {
			{ "json-shared-graph", GRAPH + " return JSON.stringify(g).length;", "CPU_TIME|WALL_TIME|MEMORY(-HEAP)?" },
			{ "stack-overflow-retry", "function f() { f(); } for (;;) { try { f(); } catch (e) {} }",
					"CPU_TIME|WALL_TIME|MEMORY(-HEAP)?" },
			{ "normalize", "const s = '\\u1E9B\\u0323'.repeat(2e6); for (;;) s.normalize('NFKD').length;",
					"CPU_TIME|WALL_TIME|MEMORY(-HEAP)?" },
			{ "replaceAll-amplification",
					"let s = 'a'.repeat(1e6); for (;;) s = s.replaceAll('a', 'aa').slice(0, 4e6);",
					"CPU_TIME|WALL_TIME|MEMORY(-HEAP)?" },
			{ "repeat", "for (;;) 'ab'.repeat(2 ** 24).indexOf('c');", "CPU_TIME|WALL_TIME|MEMORY(-HEAP)?" },
			{ "join", "const a = new Array(2e6).fill('xx'); for (;;) a.join(',').length;",
					"CPU_TIME|WALL_TIME|MEMORY(-HEAP)?" },
			{ "sort-with-comparator",
					"const a = Array.from({ length: 1e6 }, (_, i) => (i * 7919) % 1000003); for (;;) a.slice().sort((x, y) => x - y);",
					"CPU_TIME|WALL_TIME|MEMORY(-HEAP)?" },
			{ "big-array-growth", "const keep = []; for (;;) keep.push(new Array(1e6).fill(1.5));",
					"MEMORY(-HEAP)?|CPU_TIME|WALL_TIME" },
			{ "concat-doubling", "let a = [1]; for (;;) a = a.concat(a);", "MEMORY(-HEAP)?|CPU_TIME|WALL_TIME" },
			{ "await-per-turn", "for (;;) await null;", "CPU_TIME|WALL_TIME|MEMORY(-HEAP)?" },
			{ "result-30mb", "return 'x'.repeat(30 * 1024 * 1024);", "OUTPUT|MEMORY-HEAP" },
			{ "result-shared-graph", GRAPH + " return g;", "OUTPUT|MEMORY(-HEAP)?|CPU_TIME|WALL_TIME" } };

	static final int RUNS = 3;

	private HostileLongBuiltinsMain() {
	}

	public static void main(String[] args) {
		WorkerLimits limits = WorkerLimits.DEFAULTS.withCpuTime(CPU).withWallTime(WALL).withMemory(MEMORY);
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("default", limits)))
			.threads(2)
			.build()) {
			loader.awaitReady(Duration.ofMinutes(2));
			ping(loader);
			System.out.println("BEFORE " + state(loader));
			for (String[] family : FAMILIES) {
				List<Double> past = new ArrayList<>();
				for (int run = 0; run < RUNS; run++) {
					long[] elapsedHolder = new long[1];
					String outcome = run(loader, family[1], elapsedHolder);
					long elapsed = elapsedHolder[0];
					double pastWall = (elapsed - WALL.toNanos()) / 1e6;
					past.add((elapsed - limitOf(outcome)) / 1e6);
					System.out.printf("RESULT %s %s %d %.0f%n", family[0], outcome, elapsed / 1_000_000, pastWall);
				}
				double[] sorted = past.stream().mapToDouble(Double::doubleValue).sorted().toArray();
				System.out.printf("LATENCY %s past-limit-ms min %.0f median %.0f max %.0f%n", family[0], sorted[0],
						sorted[sorted.length / 2], sorted[sorted.length - 1]);
			}
			ping(loader);
			System.out.println("FRESH pong");
			// Let abandoned threads come back, for the linger figures; bounded.
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (loader.threads().lingering() > 0 && System.nanoTime() < deadline) {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
			}
			System.out.println("AFTER " + state(loader));
			System.out.println("THREADS " + loader.threads());
		}
		System.out.println("SURVIVED");
		System.exit(0);
	}

	private static long limitOf(String outcome) {
		// Time from the call to the answer, past the limit that applies: the wall limit
		// for wall kills, and for the others the CPU limit, the earliest they can land.
		return outcome.startsWith("WALL_TIME") ? WALL.toNanos() : CPU.toNanos();
	}

	private static void ping(GraalWorkerLoader loader) {
		try (Worker fresh = loader.load(WorkerCode.of("export default { ping() { return 'pong'; } }"))) {
			if (!"pong".equals(fresh.getEntrypoint().call("ping"))) {
				throw new IllegalStateException("ping failed");
			}
		}
	}

	private static String state(GraalWorkerLoader loader) {
		System.gc();
		long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
		return "heap-mib " + heap / (1024 * 1024) + " threads " + Thread.activeCount() + " sandbox-live "
				+ loader.threads().live() + " lingering " + loader.threads().lingering();
	}

	/** Runs one family; {@code elapsed[0]} gets the time from the call to its answer. */
	private static String run(GraalWorkerLoader loader, String body, long[] elapsed) {
		long start = System.nanoTime();
		try (Worker worker = loader.load(WorkerCode.of("export default { async run() { " + body + " } }"))) {
			start = System.nanoTime();
			return "NOT-STOPPED " + String.valueOf(worker.getEntrypoint().call("run")).length();
		}
		catch (WorkerQuotaExceededException ex) {
			// The heap guard, not the budget: another thread (a lingering one) holds the
			// heap.
			return ex.kind().name() + (ex.getMessage().contains("heap-guard-threshold") ? "-HEAP" : "");
		}
		catch (WorkerException ex) {
			// Not a quota answer: the message says which path gave it (no secret here).
			System.out.println("DETAIL " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
			return ex.getClass().getSimpleName() + ":" + ex.getName();
		}
		catch (RuntimeException ex) {
			return "RAW:" + ex.getClass().getName() + ":" + Arrays.toString(ex.getStackTrace()).length();
		}
		finally {
			elapsed[0] = System.nanoTime() - start;
		}
	}

}
