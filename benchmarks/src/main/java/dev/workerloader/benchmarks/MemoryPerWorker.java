package dev.workerloader.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import dev.workerloader.WorkerCode;
import dev.workerloader.sandbox.GraalWorkerLoader;

/**
 * Heap retained per live worker: keeps 1,000 workers (each evaluated and called once) and
 * compares heap used after GC before and after.
 */
public final class MemoryPerWorker {

	private MemoryPerWorker() {
	}

	public static void main(String[] args) throws Exception {
		int count = (args.length > 0) ? Integer.parseInt(args[0]) : 1000;
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().poolMin(0).poolMax(0).build()) {
			loader.awaitReady(Duration.ofMinutes(2));
			// warm up code paths, then measure
			for (int i = 0; i < 50; i++) {
				loader.get("warm-" + i, () -> WorkerCode.of(Scripts.TINY)).getEntrypoint().call("run", 1);
				loader.evict("warm-" + i);
			}
			long before = usedAfterGc();
			for (int i = 0; i < count; i++) {
				loader.get("w-" + i, () -> WorkerCode.of(Scripts.TINY)).getEntrypoint().call("run", 1);
			}
			long after = usedAfterGc();
			System.out.printf("%d kept workers retain %.1f MB: %.1f KB per worker%n", count, (after - before) / 1e6,
					(after - before) / 1024.0 / count);
		}
	}

	private static long usedAfterGc() throws InterruptedException {
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(200);
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}
