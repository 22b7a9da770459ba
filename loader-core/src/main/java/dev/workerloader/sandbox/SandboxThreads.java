package dev.workerloader.sandbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The platform threads guest code runs on. Guest code never runs on a caller's thread,
 * which may be a virtual thread or a request thread with its own limits; these threads
 * have a known stack size, so deep recursion ends as a guest {@code RangeError}.
 * <p>
 * A thread stuck in a long built-in after its worker was killed (issue 13) is
 * <em>abandoned</em>: the pool grows by one so that it keeps its working size, and
 * shrinks back when the thread finally returns. At most {@code max(size, 8)} threads are
 * replaced at once; beyond that the pool stops growing, so a flood of stuck threads
 * cannot exhaust the host.
 *
 * @author Worker Loader team
 */
final class SandboxThreads implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(SandboxThreads.class);

	private final ThreadPoolExecutor executor;

	private final int size;

	private final int maxLingering;

	/** Abandoned threads still running, with the time they were abandoned. */
	private final Map<Thread, Long> lingering = new ConcurrentHashMap<>();

	private final AtomicLong abandoned = new AtomicLong();

	private final AtomicLong returned = new AtomicLong();

	private final AtomicLong refused = new AtomicLong();

	private volatile long lastLingerNanos = -1;

	private volatile long maxLingerNanos = -1;

	SandboxThreads(int threads, long stackSize) {
		this.size = threads;
		this.maxLingering = Math.max(threads, 8);
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
	SerialExecutor serial() {
		return new SerialExecutor(this);
	}

	/**
	 * Gives up on {@code thread}, stuck in guest code of a killed worker: adds a thread
	 * to the pool in its place until it returns.
	 * @param thread the stuck thread
	 * @return whether a replacement was added (false when too many threads linger)
	 */
	synchronized boolean abandon(Thread thread) {
		if (this.lingering.containsKey(thread)) {
			return true;
		}
		this.abandoned.incrementAndGet();
		if (this.lingering.size() >= this.maxLingering) {
			this.refused.incrementAndGet();
			logger.error("Sandbox thread '" + thread.getName() + "' is stuck in guest code of a killed worker, and "
					+ this.lingering.size() + " abandoned threads still linger: not replacing it, so the pool runs"
					+ " with fewer threads until they return");
			return false;
		}
		this.lingering.put(thread, System.nanoTime());
		this.executor.setMaximumPoolSize(this.executor.getMaximumPoolSize() + 1);
		this.executor.setCorePoolSize(this.executor.getCorePoolSize() + 1);
		return true;
	}

	/**
	 * Called on every sandbox thread when a task ends: an abandoned thread is back, and
	 * its replacement is removed.
	 */
	private void taskEnded() {
		if (this.lingering.isEmpty()) {
			return;
		}
		Thread current = Thread.currentThread();
		synchronized (this) {
			Long since = this.lingering.remove(current);
			if (since == null) {
				return;
			}
			long linger = System.nanoTime() - since;
			this.lastLingerNanos = linger;
			this.maxLingerNanos = Math.max(this.maxLingerNanos, linger);
			this.returned.incrementAndGet();
			this.executor.setCorePoolSize(this.executor.getCorePoolSize() - 1);
			this.executor.setMaximumPoolSize(this.executor.getMaximumPoolSize() - 1);
			logger.info("Abandoned sandbox thread '" + current.getName() + "' returned "
					+ Duration.ofNanos(linger).toMillis() + " ms after it was abandoned");
		}
	}

	int activeCount() {
		return this.executor.getActiveCount();
	}

	int poolSize() {
		return this.executor.getPoolSize();
	}

	ThreadStats stats() {
		return new ThreadStats(this.size, this.executor.getPoolSize(), this.executor.getActiveCount(),
				this.abandoned.get(), this.lingering.size(), this.returned.get(), this.refused.get(),
				nanos(this.lastLingerNanos), nanos(this.maxLingerNanos));
	}

	private static @Nullable Duration nanos(long nanos) {
		return (nanos < 0) ? null : Duration.ofNanos(nanos);
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	/**
	 * @param size the configured number of threads
	 * @param live the threads alive now, replacements included
	 * @param active the threads running a task now
	 * @param abandoned the threads given up on since start
	 * @param lingering the abandoned threads still stuck
	 * @param returned the abandoned threads that came back
	 * @param notReplaced the abandoned threads not replaced because too many lingered
	 * @param lastLinger how long the last returning thread was stuck after it was
	 * abandoned
	 * @param maxLinger the longest such time
	 */
	record ThreadStats(int size, int live, int active, long abandoned, int lingering, long returned, long notReplaced,
			@Nullable Duration lastLinger, @Nullable Duration maxLinger) {
	}

	/**
	 * Runs tasks one at a time, in order, on the sandbox threads.
	 */
	static final class SerialExecutor implements Executor {

		private final Queue<Step> tasks = new ArrayDeque<>();

		private final SandboxThreads threads;

		private @Nullable Step active;

		SerialExecutor(SandboxThreads threads) {
			this.threads = threads;
		}

		@Override
		public synchronized void execute(Runnable task) {
			this.tasks.add(new Step(task));
			if (this.active == null) {
				scheduleNext();
			}
		}

		/**
		 * Stops waiting for the running task, whose thread was abandoned: the queued
		 * tasks run on other threads (they find the worker closed).
		 */
		synchronized void abandonActive() {
			if (this.active != null) {
				scheduleNext();
			}
		}

		private synchronized void finished(Step step) {
			if (this.active == step) {
				scheduleNext();
			}
		}

		private synchronized void scheduleNext() {
			Step next = this.tasks.poll();
			this.active = next;
			if (next != null) {
				this.threads.executor.execute(next);
			}
		}

		private final class Step implements Runnable {

			private final Runnable task;

			Step(Runnable task) {
				this.task = task;
			}

			@Override
			public void run() {
				try {
					this.task.run();
				}
				finally {
					SerialExecutor.this.threads.taskEnded();
					finished(this);
				}
			}

		}

	}

}
