package dev.workerloader.sandbox;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Identical module code maps to one cached source; other code or another name does not.
 */
class SourceCacheTests {

	@Test
	void sameCodeIsAMissThenAHitPerModule() {
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().poolMin(0).poolMax(0).build()) {
			WorkerCode code = WorkerCode.builder()
				.module("agent.js", "import { f } from './lib.js'; export default { run() { return f(); } }")
				.module("lib.js", "export function f() { return 7; }")
				.build();
			load(loader, code);
			assertThat(loader.sourceCache().misses()).isEqualTo(2);
			assertThat(loader.sourceCache().hits()).isZero();
			load(loader, code);
			GraalWorkerLoader.CacheDescriptor cache = loader.sourceCache();
			assertThat(cache.hits()).isEqualTo(2);
			assertThat(cache.misses()).isEqualTo(2);
			assertThat(cache.hitRate()).isEqualTo(0.5);
			assertThat(cache.size()).isEqualTo(2);
		}
	}

	@Test
	void otherContentOrNameIsAMiss() {
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().poolMin(0).poolMax(0).build()) {
			load(loader, WorkerCode.of("export default { run() { return 7; } }"));
			load(loader, WorkerCode.of("export default { run() { return 8; } }"));
			load(loader, WorkerCode.builder().module("main.js", "export default { run() { return 7; } }").build());
			assertThat(loader.sourceCache().misses()).isEqualTo(3);
			assertThat(loader.sourceCache().hits()).isZero();
		}
	}

	@Test
	void leastRecentlyUsedSourcesAreEvicted() {
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().poolMin(0).poolMax(0).sourceCacheSize(2).build()) {
			for (int i = 0; i < 5; i++) {
				load(loader, WorkerCode.of("export default { run() { return " + i + "; } }"));
			}
			GraalWorkerLoader.CacheDescriptor cache = loader.sourceCache();
			assertThat(cache.misses()).isEqualTo(5);
			// Caffeine evicts asynchronously; the estimate settles at the bound.
			assertThat(cache.evictions() + cache.size()).isGreaterThanOrEqualTo(3);
		}
	}

	@Test
	void cacheIsBoundedByTheEstimatedRetainedSizeNotByCount() {
		// 40 distinct 512 KiB modules used to fill a 512 MB heap (issue 13); each weighs
		// about 12 MiB, so a 64 MiB bound keeps at most five.
		String padding = "//" + "x".repeat(512 * 1024) + "\n";
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder()
			.poolMin(0)
			.poolMax(0)
			.sourceCacheWeight(64L * 1024 * 1024)
			.build()) {
			for (int i = 0; i < 10; i++) {
				load(loader, WorkerCode.of(padding + "export default { run() { return " + i + "; } }"));
			}
			org.awaitility.Awaitility.await()
				.atMost(java.time.Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(loader.sourceCache().size()).isLessThanOrEqualTo(5));
			assertThat(loader.sourceCache().evictions()).isGreaterThanOrEqualTo(5);
		}
	}

	private static void load(GraalWorkerLoader loader, WorkerCode code) {
		try (Worker worker = loader.load(code)) {
			worker.getEntrypoint().call("run");
		}
	}

}
