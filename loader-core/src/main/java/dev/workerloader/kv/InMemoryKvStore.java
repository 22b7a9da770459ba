package dev.workerloader.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * A {@link KvStore} in this JVM's memory: the default when there is no
 * {@code DataSource}. Data is lost on restart and not shared between application
 * instances. Thread-safe: each namespace is locked while it is written.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class InMemoryKvStore implements KvStore {

	/** The default cap on all namespaces together (issue 13): 256 MiB. */
	public static final long DEFAULT_MAX_TOTAL_BYTES = 256L * 1024 * 1024;

	private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();

	private final long maxTotalBytes;

	private final java.util.concurrent.atomic.AtomicLong totalBytes = new java.util.concurrent.atomic.AtomicLong();

	/**
	 * Creates a store holding at most {@link #DEFAULT_MAX_TOTAL_BYTES} in all namespaces
	 * together.
	 */
	public InMemoryKvStore() {
		this(DEFAULT_MAX_TOTAL_BYTES);
	}

	/**
	 * Creates a store with a global cap: per-namespace limits alone let many workers,
	 * each under its own limit, fill the heap together.
	 * @param maxTotalBytes the most bytes (keys and values in UTF-8) all namespaces hold
	 * together
	 */
	public InMemoryKvStore(long maxTotalBytes) {
		if (maxTotalBytes <= 0) {
			throw new IllegalArgumentException("'maxTotalBytes' must be positive, but was " + maxTotalBytes);
		}
		this.maxTotalBytes = maxTotalBytes;
	}

	/**
	 * Returns the bytes all namespaces hold together.
	 * @return the total
	 */
	public long totalBytes() {
		return this.totalBytes.get();
	}

	@Override
	public @Nullable String get(String namespace, String key) {
		Namespace ns = this.namespaces.get(namespace);
		if (ns == null) {
			return null;
		}
		synchronized (ns) {
			return ns.entries.get(key);
		}
	}

	@Override
	public List<String> list(String namespace, String prefix) {
		Namespace ns = this.namespaces.get(namespace);
		if (ns == null) {
			return List.of();
		}
		synchronized (ns) {
			List<String> keys = new ArrayList<>();
			for (String key : ns.entries.tailMap(prefix, true).keySet()) {
				if (!key.startsWith(prefix)) {
					break;
				}
				keys.add(key);
			}
			return keys;
		}
	}

	@Override
	public void apply(String namespace, List<KvOp> ops, KvLimits limits) {
		Namespace ns = this.namespaces.computeIfAbsent(namespace, (name) -> new Namespace());
		synchronized (ns) {
			// Work on a copy and swap it in only when every op applied and the totals
			// fit.
			TreeMap<String, String> next = new TreeMap<>(ns.entries);
			long bytes = ns.bytes;
			for (KvOp op : ops) {
				String previous = op.isPut() ? next.put(op.key(), op.value()) : next.remove(op.key());
				if (previous != null) {
					bytes -= size(op.key(), previous);
				}
				if (op.isPut()) {
					bytes += size(op.key(), op.value());
				}
			}
			KvTotals.check(namespace, next.size(), bytes, limits);
			long delta = bytes - ns.bytes;
			if (delta > 0 && this.totalBytes.addAndGet(delta) > this.maxTotalBytes) {
				this.totalBytes.addAndGet(-delta);
				throw new KvLimitExceededException("The in-memory KV store would hold more than its cap of "
						+ this.maxTotalBytes + " bytes over all namespaces; nothing was written to namespace '"
						+ namespace + "'. Delete keys, or store KV in a DataSource.");
			}
			if (delta < 0) {
				this.totalBytes.addAndGet(delta);
			}
			ns.entries = next;
			ns.bytes = bytes;
		}
	}

	static long size(String key, @Nullable String value) {
		return KvTotals.size(key, value);
	}

	private static final class Namespace {

		TreeMap<String, String> entries = new TreeMap<>();

		long bytes;

	}

}
