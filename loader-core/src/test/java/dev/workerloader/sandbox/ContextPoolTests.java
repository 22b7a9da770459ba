package dev.workerloader.sandbox;

import java.time.Duration;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The warm pool hands out pre-initialized contexts, each to exactly one worker.
 */
class ContextPoolTests {

	private static final WorkerCode SET_GLOBAL = WorkerCode
		.of("export default { run() {" + " const seen = typeof globalThis.leak + ',' + typeof ({}).polluted;"
				+ " globalThis.leak = 'secret'; Object.prototype.polluted = 1; return seen; } }");

	@Test
	void pooledContextsAreNeverReused() {
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().poolMin(2).poolMax(4).build()) {
			awaitIdle(loader, 2);
			for (int i = 0; i < 10; i++) {
				try (Worker worker = loader.load(SET_GLOBAL)) {
					assertThat(worker.getEntrypoint().call("run")).isEqualTo("undefined,undefined");
				}
			}
			assertThat(loader.pool().acquired()).isEqualTo(10);
		}
	}

	@Test
	void poolFillsInTheBackgroundUpToItsMinimum() {
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().poolMin(3).poolMax(8).build()) {
			awaitIdle(loader, 3);
			GraalWorkerLoader.PoolDescriptor pool = loader.pool();
			assertThat(pool.engineReady()).isTrue();
			assertThat(pool.created()).isGreaterThanOrEqualTo(3);
			assertThat(pool.target()).isEqualTo(3);
		}
	}

	@Test
	void acquisitionFromAFullPoolIsNotAMiss() {
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().poolMin(2).poolMax(4).build()) {
			awaitIdle(loader, 2);
			try (Worker worker = loader.load(SET_GLOBAL)) {
				assertThat(worker.isClosed()).isFalse();
				assertThat(loader.pool().misses()).isZero();
				assertThat(loader.pool().acquired()).isEqualTo(1);
				assertThat(loader.pool().size()).isGreaterThanOrEqualTo(1);
			}
		}
	}

	@Test
	void disabledPoolBuildsEveryContextInlineAndCountsMisses() {
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().poolMin(0).poolMax(0).build()) {
			for (int i = 0; i < 3; i++) {
				try (Worker worker = loader.load(SET_GLOBAL)) {
					worker.getEntrypoint().call("run");
				}
			}
			GraalWorkerLoader.PoolDescriptor pool = loader.pool();
			assertThat(pool.misses()).isEqualTo(3);
			assertThat(pool.acquired()).isEqualTo(3);
			assertThat(pool.created()).isZero();
			assertThat(pool.size()).isZero();
		}
	}

	@Test
	void targetFollowsRecentDemand() {
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().poolMin(1).poolMax(16).build()) {
			awaitIdle(loader, 1);
			for (int i = 0; i < 6; i++) {
				loader.load(SET_GLOBAL).close();
			}
			assertThat(loader.pool().target()).isGreaterThanOrEqualTo(6);
			// Demand older than a second no longer counts.
			await().atMost(Duration.ofSeconds(10)).until(() -> loader.pool().target() == 1);
		}
	}

	@Test
	void engineWarmsUpWithoutBlockingTheBuilder() {
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().build()) {
			// build() returned before the engine was ready (it takes seconds cold), or
			// the
			// engine is already warm: either way readiness is observable and reached.
			assertThat(loader.awaitReady(Duration.ofSeconds(60))).isTrue();
			assertThat(loader.pool().engineReady()).isTrue();
			assertThat(loader.runtime()).isNotNull();
		}
	}

	@Test
	void minimumGreaterThanMaximumIsRejected() {
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> GraalWorkerLoader.builder().poolMin(5).poolMax(2).build())
			.withMessage("'poolMin' (5) must not be greater than 'poolMax' (2)");
	}

	private static void awaitIdle(GraalWorkerLoader loader, int idle) {
		await().atMost(Duration.ofSeconds(60)).until(() -> loader.pool().idle() >= idle);
	}

}
