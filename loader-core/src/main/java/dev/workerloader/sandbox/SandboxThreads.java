package dev.workerloader.sandbox;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The platform threads guest code runs on. Guest code never runs on a caller's thread,
 * which may be a virtual thread or a request thread with its own limits; these threads
 * have a known stack size, so deep recursion ends as a guest {@code RangeError}.
 *
 * @author Worker Loader team
 */
final class SandboxThreads implements AutoCloseable {

	private final ThreadPoolExecutor executor;

	SandboxThreads(int threads, long stackSize) {
		ThreadFactory factory = CleanThreads.factory("worker-loader-sandbox", stackSize);
		this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				factory);
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * Returns an executor that runs its tasks one at a time, in order, on the sandbox
	 * threads: one per worker, so that only one thread at a time touches its context.
	 * @return a serial executor
	 */
	Executor serial() {
		return new SerialExecutor(this.executor);
	}

	int activeCount() {
		return this.executor.getActiveCount();
	}

	int poolSize() {
		return this.executor.getPoolSize();
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	private static final class SerialExecutor implements Executor {

		private final Queue<Runnable> tasks = new ArrayDeque<>();

		private final Executor delegate;

		private boolean active;

		SerialExecutor(Executor delegate) {
			this.delegate = delegate;
		}

		@Override
		public synchronized void execute(Runnable task) {
			this.tasks.add(() -> {
				try {
					task.run();
				}
				finally {
					scheduleNext();
				}
			});
			if (!this.active) {
				scheduleNext();
			}
		}

		private synchronized void scheduleNext() {
			Runnable next = this.tasks.poll();
			this.active = next != null;
			if (next != null) {
				this.delegate.execute(next);
			}
		}

	}

}
