package dev.workerloader.sandbox;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;

import dev.workerloader.QuotaKind;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Guards the JVM heap against sandboxes. The per-invocation memory quota counts bytes
 * allocated, garbage included, so many invocations just under it, or one allocating
 * faster than the watchdog polls, can still fill the heap; a heap bomb of small objects
 * then makes other threads die of {@link OutOfMemoryError} (GraalJS notes §4). This guard
 * sets the collection-usage threshold of the heap pools that support one (the old
 * generation) at a fraction of their maximum; when the usage after a collection crosses
 * it, the running invocation that allocated the most is stopped with
 * {@link QuotaKind#MEMORY}.
 * <p>
 * It reacts to the JMX notification and also checks on every watchdog poll after each new
 * collection, because the notification is sent once per crossing. After a kill it waits
 * until that worker is closed and one more collection ran, so that a heap still holding
 * the victim's garbage does not stop a second, innocent worker.
 * <p>
 * The threshold is JVM-wide state: the last guard created sets it, and closing a guard
 * clears the threshold it set.
 *
 * @author Worker Loader team
 */
final class HeapGuard implements NotificationListener, AutoCloseable {

	private static final Log logger = LogFactory.getLog(HeapGuard.class);

	private final Watchdog watchdog;

	private final List<Pool> pools = new ArrayList<>();

	private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();

	private final double threshold;

	private long lastCollections = -1;

	private Watchdog.@Nullable Watch victim;

	private long victimClosedCollections = -1;

	private long kills;

	private long lastIdleWarningNanos;

	HeapGuard(Watchdog watchdog, double threshold) {
		this.watchdog = watchdog;
		this.threshold = threshold;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			// The young pools (eden, survivor) are emptied by every collection and, under
			// the Serial collector, tiny: a worker host's survivor space of 4 MiB "over
			// its threshold" is no sign of a full heap. Only the pools that hold what
			// survives are guarded.
			if (pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported()
					&& !isYoung(pool.getName())) {
				long max = pool.getUsage().getMax();
				if (max <= 0) {
					max = Runtime.getRuntime().maxMemory();
				}
				long bytes = (long) (max * threshold);
				pool.setCollectionUsageThreshold(bytes);
				this.pools.add(new Pool(pool, bytes));
			}
		}
		if (this.pools.isEmpty()) {
			logger.warn("No heap memory pool supports a collection usage threshold: the worker heap guard is off."
					+ " Per-invocation memory quotas still apply.");
		}
		((NotificationEmitter) ManagementFactory.getMemoryMXBean()).addNotificationListener(this, null, null);
		watchdog.onTick(this::check);
	}

	@Override
	public void handleNotification(Notification notification, @Nullable Object handback) {
		if (MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(notification.getType())) {
			check();
		}
	}

	/**
	 * Stops the largest allocator if a heap pool is over its threshold after the latest
	 * collection. Called on every watchdog poll and on each JMX notification.
	 */
	synchronized void check() {
		if (this.pools.isEmpty()) {
			return;
		}
		long collections = collections();
		boolean emergency = emergency();
		if (collections == this.lastCollections && !emergency) {
			return;
		}
		this.lastCollections = collections;
		Watchdog.Watch previous = this.victim;
		if (previous != null) {
			if (!previous.worker.isClosed()) {
				return;
			}
			if (this.victimClosedCollections < 0) {
				this.victimClosedCollections = collections;
				return;
			}
			if (collections == this.victimClosedCollections) {
				return;
			}
			this.victim = null;
			this.victimClosedCollections = -1;
		}
		if (emergency) {
			Watchdog.Watch largest = this.watchdog.largestAllocator();
			long max = Runtime.getRuntime().maxMemory();
			// Only a worker that allocated a good part of the heap itself is a plausible
			// culprit.
			if (largest != null && largest.allocated() >= max / 8) {
				long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
				this.victim = largest;
				this.kills++;
				this.watchdog.kill(largest, QuotaKind.MEMORY, emergencyLimit(max), used,
						QuotaProperties.HEAP_GUARD_THRESHOLD);
				logger.warn("Heap guard: the heap is " + used / (1024 * 1024) + " MiB full of " + max / (1024 * 1024)
						+ " MiB before a collection could help; stopping worker '" + largest.worker.id()
						+ "', the invocation that allocated the most");
				return;
			}
		}
		for (Pool pool : this.pools) {
			// Compare the usage itself: the "exceeded" flag is a sensor that stays on
			// until a
			// later collection of the pool, so it can report a crossing that is over.
			long used = pool.bean.getCollectionUsage().getUsed();
			if (used >= pool.limit) {
				Watchdog.Watch largest = this.watchdog.largestAllocator();
				if (largest == null) {
					// Checked on every poll while the heap stays full: warn at most every
					// 10 s, or the log itself grows without bound (issue 13).
					long now = System.nanoTime();
					if (this.lastIdleWarningNanos != 0 && now - this.lastIdleWarningNanos < 10_000_000_000L) {
						return;
					}
					this.lastIdleWarningNanos = now;
					logger.warn("Heap pool '" + pool.bean.getName() + "' holds " + used / (1024 * 1024)
							+ " MiB after collection, over the heap guard threshold of " + pool.limit / (1024 * 1024)
							+ " MiB, but no worker invocation is running to stop");
					return;
				}
				this.victim = largest;
				this.kills++;
				logger.warn("Heap guard: heap pool '" + pool.bean.getName() + "' holds " + used / (1024 * 1024)
						+ " MiB after collection (threshold " + pool.limit / (1024 * 1024) + " MiB); stopping worker '"
						+ largest.worker.id() + "', the invocation that allocated the most");
				this.watchdog.kill(largest, QuotaKind.MEMORY, pool.limit, used, QuotaProperties.HEAP_GUARD_THRESHOLD);
				return;
			}
		}
	}

	/**
	 * Whether the heap as a whole, garbage included, is nearly full: halfway between the
	 * threshold and the maximum. Big arrays can fill the heap faster than collections
	 * report usage, and then other threads fail to allocate (issue 4).
	 */
	private boolean emergency() {
		long max = Runtime.getRuntime().maxMemory();
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >= emergencyLimit(max);
	}

	static boolean isYoung(String poolName) {
		return poolName.contains("Eden") || poolName.contains("Survivor") || poolName.contains("Young");
	}

	private long emergencyLimit(long max) {
		return (long) (max * (this.threshold + 1) / 2);
	}

	private long collections() {
		long total = 0;
		for (GarbageCollectorMXBean collector : this.collectors) {
			total += Math.max(0, collector.getCollectionCount());
		}
		return total;
	}

	double threshold() {
		return this.threshold;
	}

	synchronized long kills() {
		return this.kills;
	}

	@Override
	public void close() {
		try {
			((NotificationEmitter) ManagementFactory.getMemoryMXBean()).removeNotificationListener(this);
		}
		catch (ListenerNotFoundException ex) {
			// Already removed.
		}
		for (Pool pool : this.pools) {
			if (pool.bean.getCollectionUsageThreshold() == pool.limit) {
				pool.bean.setCollectionUsageThreshold(0);
			}
		}
	}

	private record Pool(MemoryPoolMXBean bean, long limit) {
	}

}
