package dev.workerloader.sandbox;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.workerloader.QuotaKind;
import dev.workerloader.policy.WorkerLimits;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Enforces the per-invocation quotas that GraalJS community does not: CPU time (thread
 * CPU time), wall time and allocated bytes. One daemon thread polls every running
 * invocation at a fixed interval and stops a worker that exceeds a limit by cancelling
 * its context, which ends tight loops, microtask loops, regular expressions and long
 * built-ins alike. Cancelling happens on a separate "reaper" thread: closing a context
 * waits for its thread to leave, which a blocking host call can delay, and that must
 * never stall the checks of every other invocation (issue 4).
 *
 * @author Worker Loader team
 */
final class Watchdog implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(Watchdog.class);

	private final com.sun.management.ThreadMXBean threads;

	private final Set<Watch> running = ConcurrentHashMap.newKeySet();

	private final long intervalNanos;

	private final long graceNanos;

	private final Thread thread;

	private final ThreadPoolExecutor reaper;

	private volatile @Nullable Runnable tick;

	private volatile boolean stopped;

	Watchdog(Duration interval) {
		this(interval, Duration.ofMillis(100));
	}

	/**
	 * Creates a watchdog.
	 * @param interval how often to check
	 * @param grace how long a killed invocation may take to stop before its caller is
	 * answered and its thread abandoned (issue 13)
	 */
	Watchdog(Duration interval, Duration grace) {
		this.threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		if (!this.threads.isThreadCpuTimeEnabled()) {
			this.threads.setThreadCpuTimeEnabled(true);
		}
		if (!this.threads.isThreadAllocatedMemoryEnabled()) {
			this.threads.setThreadAllocatedMemoryEnabled(true);
		}
		this.intervalNanos = interval.toNanos();
		this.graceNanos = grace.toNanos();
		// No queue: each kill starts closing at once even if an earlier close is stuck.
		this.reaper = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 2, TimeUnit.SECONDS, new SynchronousQueue<>(),
				CleanThreads.factory("worker-loader-reaper", 0));
		this.thread = CleanThreads.newThread(this::run, "worker-loader-watchdog", 0);
		this.thread.setPriority(Thread.MAX_PRIORITY);
		this.thread.start();
	}

	/**
	 * Starts watching the calling thread, which is about to run guest code for
	 * {@code worker}.
	 * @param worker the worker
	 * @param limits the limits of the invocation
	 * @return the watch, to stop when the invocation ends
	 */
	@SuppressWarnings("deprecation") // Thread.getId(): threadId() needs Java 19
	Watch start(SandboxWorker worker, WorkerLimits limits) {
		Thread current = Thread.currentThread();
		long id = current.getId();
		Watch watch = new Watch(this, worker, limits, current, this.threads.getThreadCpuTime(id),
				this.threads.getThreadAllocatedBytes(id), System.nanoTime());
		this.running.add(watch);
		return watch;
	}

	/**
	 * Sets work to run on every poll after the invocations are checked (the heap guard).
	 * @param tick the work
	 */
	void onTick(Runnable tick) {
		this.tick = tick;
	}

	int runningCount() {
		return this.running.size();
	}

	/**
	 * Returns the watch of the invocation that allocated the most so far, for the heap
	 * guard.
	 * @return the largest allocator, or {@code null}
	 */
	@Nullable Watch largestAllocator() {
		Watch largest = null;
		long most = -1;
		for (Watch watch : this.running) {
			if (watch.done || watch.killing) {
				continue;
			}
			long allocated = watch.allocated();
			if (allocated > most) {
				most = allocated;
				largest = watch;
			}
		}
		return largest;
	}

	private void run() {
		while (!this.stopped) {
			try {
				poll();
			}
			catch (OutOfMemoryError ex) {
				// The heap is exhausted (a bomb the guard has not stopped yet): the
				// watchdog
				// must outlive it, or nothing is enforced any more.
				LockSupport.parkNanos(this.intervalNanos);
			}
		}
	}

	private void poll() {
		{
			LockSupport.parkNanos(this.intervalNanos);
			for (Watch watch : this.running) {
				try {
					check(watch);
				}
				catch (RuntimeException ex) {
					logger.warn("Watchdog failed to check a worker invocation", ex);
				}
			}
			Runnable work = this.tick;
			if (work != null) {
				try {
					work.run();
				}
				catch (RuntimeException ex) {
					logger.warn("Watchdog failed to run the heap guard", ex);
				}
			}
		}
	}

	private void check(Watch watch) {
		if (watch.done || watch.abandoned) {
			return;
		}
		if (watch.killing) {
			// Long built-ins (JSON.stringify of shared references, sort, normalize) do
			// not
			// see the cancellation for seconds: past the grace, answer the caller and
			// give
			// the thread up, so that the quota lands in time and the pool keeps its size
			// (issue 13).
			if (System.nanoTime() - watch.killedAtNanos > this.graceNanos) {
				// The reaper may not have run yet on a loaded machine: the kill is
				// recorded here too, so the caller's answer is the quota that was hit.
				if (watch.commitKill()) {
					watch.abandoned = true;
					watch.worker.abandon(watch.thread, System.nanoTime() - watch.killedAtNanos);
				}
			}
			return;
		}
		WorkerLimits limits = watch.limits;
		long wall = System.nanoTime() - watch.wallStart;
		if (wall > limits.wallTime().toNanos()) {
			kill(watch, QuotaKind.WALL_TIME, limits.wallTime().toNanos(), wall, null);
			return;
		}
		long cpu = watch.cpuTime();
		if (cpu > limits.cpuTime().toNanos()) {
			kill(watch, QuotaKind.CPU_TIME, limits.cpuTime().toNanos(), cpu, null);
			return;
		}
		long allocated = watch.allocated();
		if (allocated > limits.memory()) {
			kill(watch, QuotaKind.MEMORY, limits.memory(), allocated, null);
		}
	}

	/**
	 * Stops the worker of {@code watch} on a reaper thread. The first kill of a watch
	 * wins.
	 * @param watch the invocation
	 * @param kind the quota exceeded
	 * @param limit the limit
	 * @param used the amount used
	 * @param property the property to raise, or {@code null} for the policy's quota
	 */
	void kill(Watch watch, QuotaKind kind, long limit, long used, @Nullable String property) {
		if (watch.killing || watch.done) {
			return;
		}
		watch.order = new Order(kind, limit, used, property);
		watch.killedAtNanos = System.nanoTime();
		watch.killing = true;
		Runnable task = () -> {
			// The reaper may run after the invocation ended on its own (a loaded machine,
			// or a heap-guard decision about a load that was returning): an idle worker
			// is innocent, and closing it would fail its next call. The kill is recorded
			// only while the watch runs, atomically with its end (Watch.stop), so the
			// operation that was killed is the one that reports the quota.
			if (watch.commitKill()) {
				watch.worker.closeKilled();
			}
		};
		try {
			this.reaper.execute(task);
		}
		catch (RuntimeException ex) {
			// Shut down: close on this thread rather than let the invocation run
			// unlimited.
			task.run();
		}
	}

	int reaperThreads() {
		return this.reaper.getPoolSize();
	}

	@Override
	public void close() {
		this.stopped = true;
		LockSupport.unpark(this.thread);
		this.reaper.shutdown();
	}

	/**
	 * A kill decided by the watchdog or the heap guard, not yet recorded on the worker.
	 *
	 * @param kind the quota exceeded
	 * @param limit the limit
	 * @param used the amount used
	 * @param property the property to raise, or {@code null} for the policy's quota
	 */
	record Order(QuotaKind kind, long limit, long used, @Nullable String property) {
	}

	/**
	 * One invocation being watched.
	 */
	static final class Watch {

		private final Watchdog watchdog;

		final SandboxWorker worker;

		final WorkerLimits limits;

		final Thread thread;

		private final long threadId;

		private final long cpuStart;

		private final long allocStart;

		final long wallStart;

		volatile boolean done;

		volatile boolean killing;

		volatile long killedAtNanos;

		volatile boolean abandoned;

		volatile @Nullable Order order;

		@SuppressWarnings("deprecation") // Thread.getId(): threadId() needs Java 19
		Watch(Watchdog watchdog, SandboxWorker worker, WorkerLimits limits, Thread thread, long cpuStart,
				long allocStart, long wallStart) {
			this.watchdog = watchdog;
			this.worker = worker;
			this.limits = limits;
			this.thread = thread;
			this.threadId = thread.getId();
			this.cpuStart = cpuStart;
			this.allocStart = allocStart;
			this.wallStart = wallStart;
		}

		long cpuTime() {
			long now = this.watchdog.threads.getThreadCpuTime(this.threadId);
			return (now < 0) ? 0 : now - this.cpuStart;
		}

		long allocated() {
			long now = this.watchdog.threads.getThreadAllocatedBytes(this.threadId);
			return (now < 0) ? 0 : now - this.allocStart;
		}

		long wallTime() {
			return System.nanoTime() - this.wallStart;
		}

		/**
		 * Ends the watch. After it returns, either the kill of this watch was recorded on
		 * its worker (and the operation must report it), or it never will be.
		 */
		void stop() {
			synchronized (this) {
				this.done = true;
			}
			this.watchdog.running.remove(this);
		}

		/**
		 * Records the ordered kill on the worker unless the watch has ended.
		 * @return whether the worker now holds a kill (this one, or an earlier one that
		 * won), so that its invocation is to be answered with it
		 */
		synchronized boolean commitKill() {
			Order ordered = this.order;
			if (this.done || ordered == null) {
				return false;
			}
			return this.worker.recordKill(ordered.kind(), ordered.limit(), ordered.used(), ordered.property())
					|| this.worker.killedBy() != null;
		}

	}

}
