package dev.workerloader.sandbox;

import java.time.Duration;

import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.policy.WorkerLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A kill is decided on the watchdog thread (or the heap guard's) and recorded later on a
 * reaper thread. On a loaded machine the operation it was meant for can end in between:
 * the heap guard chose a load that was returning, and the reaper then closed an idle,
 * innocent worker whose first call failed as closed (the CI failure of
 * {@code LongBuiltinTests}). The order of the two is now fixed: a kill is recorded only
 * while its watch runs, and an operation that ends after its kill was recorded reports
 * the quota.
 */
class KillOrderTests {

	private static final String PING = "export default { ping() { return 'pong'; } }";

	private GraalWorkerLoader loader;

	@BeforeEach
	void start() {
		this.loader = GraalWorkerLoader.builder().threads(1).build();
		this.loader.awaitReady(Duration.ofMinutes(1));
	}

	@AfterEach
	void stop() {
		this.loader.close();
	}

	@Test
	void aKillOrderedForAnOperationThatEndedFirstIsDroppedAndTheWorkerServes() {
		Worker worker = this.loader.load(WorkerCode.of(PING));
		SandboxWorker sandboxWorker = (SandboxWorker) worker;
		Watchdog.Watch watch = orderedKill(sandboxWorker);
		watch.stop();
		assertThat(watch.commitKill()).isFalse();
		assertThat(sandboxWorker.killedBy()).isNull();
		assertThat(worker.getEntrypoint().call("ping")).isEqualTo("pong");
		assertThat(worker.isClosed()).isFalse();
	}

	@Test
	void aKillRecordedWhileItsWatchRunsIsTheAnswerOfTheNextOperationEvenIfItWouldSucceed() {
		Worker worker = this.loader.load(WorkerCode.of(PING));
		Watchdog.Watch watch = orderedKill((SandboxWorker) worker);
		assertThat(watch.commitKill()).isTrue();
		watch.stop();
		// Recorded, not yet closed (the reaper has not run): a call that would return
		// 'pong' answers the quota instead of succeeding on a worker about to close.
		assertThatExceptionOfType(WorkerQuotaExceededException.class)
			.isThrownBy(() -> worker.getEntrypoint().call("ping"))
			.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(QuotaKind.MEMORY))
			.withMessageContaining(QuotaProperties.HEAP_GUARD_THRESHOLD);
	}

	/**
	 * Starts a watch of {@code worker} on this thread and orders its kill, as the heap
	 * guard does before its reaper gets a thread.
	 */
	private Watchdog.Watch orderedKill(SandboxWorker worker) {
		Watchdog.Watch watch = this.loader.watchdog().start(worker, WorkerLimits.DEFAULTS);
		watch.order = new Watchdog.Order(QuotaKind.MEMORY, 1, 2, QuotaProperties.HEAP_GUARD_THRESHOLD);
		return watch;
	}

	@Test
	void theFirstKillWinsAndIsCountedOnce() {
		SandboxWorker worker = (SandboxWorker) this.loader.load(WorkerCode.of(PING));
		assertThat(worker.recordKill(QuotaKind.CPU_TIME, 1, 2, null)).isTrue();
		assertThat(worker.recordKill(QuotaKind.MEMORY, 1, 2, null)).isFalse();
		worker.closeKilled();
		worker.closeKilled();
		assertThat(worker.killedBy()).isEqualTo(QuotaKind.CPU_TIME);
		assertThat(worker.isClosed()).isTrue();
		assertThat(this.loader.quotaKills()).containsEntry(QuotaKind.CPU_TIME, 1L);
	}

}
