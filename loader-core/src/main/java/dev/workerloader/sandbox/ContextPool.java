package dev.workerloader.sandbox;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A warm pool of sandbox contexts whose JS realm and guest runtime are already set up, so
 * that loading a worker does not pay the ~0.45 ms of realm creation (GraalJS notes §5). A
 * background thread keeps between {@code min} and {@code max} idle contexts ready; the
 * target in between follows demand: the number of acquisitions in the last second. A
 * context serves exactly one worker and is never returned to the pool, so no state can
 * leak from one worker to the next. Contexts with a statement limit are not pooled (the
 * limit is fixed when a context is built). Thread-safe.
 *
 * @author Worker Loader team
 */
final class ContextPool implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ContextPool.class);

	private static final int BUCKETS = 10;

	private static final long BUCKET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final CompletableFuture<SandboxEngine> engine;

	private final int min;

	private final int max;

	private final ConcurrentLinkedDeque<SandboxContext> idle = new ConcurrentLinkedDeque<>();

	private final AtomicInteger idleCount = new AtomicInteger();

	private final AtomicInteger live = new AtomicInteger();

	private final AtomicLong created = new AtomicLong();

	private final AtomicLong acquired = new AtomicLong();

	private final AtomicLong misses = new AtomicLong();

	/** Acquisitions per 100 ms bucket over the last second, a ring indexed by time. */
	private final AtomicLongArray demand = new AtomicLongArray(BUCKETS);

	private final AtomicLongArray demandEpoch = new AtomicLongArray(BUCKETS);

	private final Thread filler;

	private volatile boolean closed;

	ContextPool(CompletableFuture<SandboxEngine> engine, int min, int max) {
		if (min > max) {
			throw new IllegalArgumentException(
					"'poolMin' (" + min + ") must not be greater than 'poolMax' (" + max + ")");
		}
		this.engine = engine;
		this.min = min;
		this.max = max;
		this.filler = CleanThreads.newThread(this::fill, "worker-loader-pool", 0);
		if (max > 0) {
			this.filler.start();
		}
	}

	/**
	 * Returns a context without a statement limit for one worker: an idle one if there is
	 * one, or one built on the calling thread (a miss). Waits for the engine to be warm.
	 * @return the context, owned by the caller from now on
	 */
	SandboxContext acquire() {
		this.acquired.incrementAndGet();
		recordDemand();
		SandboxContext context = this.idle.pollFirst();
		if (context != null) {
			this.idleCount.decrementAndGet();
			LockSupport.unpark(this.filler);
			return context;
		}
		this.misses.incrementAndGet();
		LockSupport.unpark(this.filler);
		return track(this.engine.join().newContext(0));
	}

	private SandboxContext track(SandboxContext context) {
		this.live.incrementAndGet();
		context.onClose(this.live::decrementAndGet);
		return context;
	}

	private void recordDemand() {
		long epoch = System.nanoTime() / BUCKET_NANOS;
		int index = (int) (epoch % BUCKETS);
		if (this.demandEpoch.get(index) != epoch) {
			this.demandEpoch.set(index, epoch);
			this.demand.set(index, 0);
		}
		this.demand.incrementAndGet(index);
	}

	/**
	 * Returns how many idle contexts the pool aims to keep: the acquisitions of the last
	 * second, at least {@code min} and at most {@code max}.
	 * @return the target
	 */
	int target() {
		long now = System.nanoTime() / BUCKET_NANOS;
		long recent = 0;
		for (int i = 0; i < BUCKETS; i++) {
			if (now - this.demandEpoch.get(i) < BUCKETS) {
				recent += this.demand.get(i);
			}
		}
		return (int) Math.max(this.min, Math.min(this.max, recent));
	}

	private void fill() {
		SandboxEngine sandboxEngine;
		try {
			sandboxEngine = this.engine.join();
		}
		catch (RuntimeException ex) {
			return;
		}
		while (!this.closed) {
			int target = target();
			if (this.idleCount.get() < target) {
				try {
					SandboxContext context = track(sandboxEngine.newContext(0));
					this.created.incrementAndGet();
					this.idle.addLast(context);
					this.idleCount.incrementAndGet();
					if (this.closed) {
						drain();
					}
				}
				catch (RuntimeException ex) {
					if (!this.closed) {
						logger.warn("Failed to create a pooled sandbox context; retrying in 1 s", ex);
						LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
					}
				}
				continue;
			}
			// Shrink slowly when demand fell: one context per pause.
			if (this.idleCount.get() > target) {
				SandboxContext extra = this.idle.pollLast();
				if (extra != null) {
					this.idleCount.decrementAndGet();
					extra.close();
				}
			}
			LockSupport.parkNanos(BUCKET_NANOS);
		}
		drain();
	}

	private void drain() {
		SandboxContext context;
		while ((context = this.idle.pollFirst()) != null) {
			this.idleCount.decrementAndGet();
			context.close();
		}
	}

	PoolStats stats() {
		return new PoolStats(this.min, this.max, target(), this.live.get(), this.idleCount.get(), this.created.get(),
				this.acquired.get(), this.misses.get());
	}

	@Override
	public void close() {
		this.closed = true;
		LockSupport.unpark(this.filler);
		if (!this.filler.isAlive()) {
			drain();
		}
	}

	/**
	 * @param size the open contexts from this pool: idle plus serving a worker
	 */
	record PoolStats(int min, int max, int target, int size, int idle, long created, long acquired, long misses) {
	}

}
