package dev.workerloader.sandbox;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Abandoning a stuck sandbox thread (issue 13): the pool grows by one while it lingers,
 * work queued behind it runs elsewhere, and the pool shrinks back when it returns. Plain
 * threads and latches, no guest code.
 *
 * @author Worker Loader team
 */
class SandboxThreadsTests {

	@Test
	void abandonedThreadIsReplacedUntilItReturns() throws Exception {
		try (SandboxThreads threads = new SandboxThreads(1, 256 * 1024)) {
			CountDownLatch stuck = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			AtomicReference<Thread> stuckThread = new AtomicReference<>();
			SandboxThreads.SerialExecutor first = threads.serial();
			first.execute(() -> {
				stuckThread.set(Thread.currentThread());
				stuck.countDown();
				awaitQuietly(release);
			});
			assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
			// The only thread is stuck: another worker's task waits.
			CountDownLatch other = new CountDownLatch(1);
			threads.serial().execute(other::countDown);
			assertThat(other.await(200, TimeUnit.MILLISECONDS)).isFalse();
			assertThat(threads.abandon(stuckThread.get())).isTrue();
			assertThat(other.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(threads.stats().abandoned()).isOne();
			assertThat(threads.stats().lingering()).isOne();
			release.countDown();
			await().atMost(Duration.ofSeconds(10)).until(() -> threads.stats().lingering() == 0);
			SandboxThreads.ThreadStats stats = threads.stats();
			assertThat(stats.returned()).isOne();
			assertThat(stats.maxLinger()).isNotNull();
			assertThat(stats.lastLinger()).isNotNull();
		}
	}

	@Test
	void queuedTasksOfTheSameWorkerRunElsewhereOnceItsThreadIsAbandoned() throws Exception {
		try (SandboxThreads threads = new SandboxThreads(1, 256 * 1024)) {
			CountDownLatch stuck = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			AtomicReference<Thread> stuckThread = new AtomicReference<>();
			SandboxThreads.SerialExecutor serial = threads.serial();
			serial.execute(() -> {
				stuckThread.set(Thread.currentThread());
				stuck.countDown();
				awaitQuietly(release);
			});
			CountDownLatch queued = new CountDownLatch(1);
			serial.execute(queued::countDown);
			assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
			threads.abandon(stuckThread.get());
			serial.abandonActive();
			assertThat(queued.await(10, TimeUnit.SECONDS)).isTrue();
			release.countDown();
		}
	}

	@Test
	void boundedNumberOfThreadsIsReplacedBeforeReplacementStops() {
		try (SandboxThreads threads = new SandboxThreads(1, 256 * 1024)) {
			for (int i = 0; i < 8; i++) {
				assertThat(threads.abandon(new Thread(() -> {
				}))).isTrue();
			}
			assertThat(threads.abandon(new Thread(() -> {
			}))).isFalse();
			SandboxThreads.ThreadStats stats = threads.stats();
			assertThat(stats.abandoned()).isEqualTo(9);
			assertThat(stats.lingering()).isEqualTo(8);
			assertThat(stats.notReplaced()).isOne();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
