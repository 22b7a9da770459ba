package dev.workerloader.metrics;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.workerloader.QuotaKind;
import dev.workerloader.WorkerLoaderStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The gauges and counters of a loader, read through its {@link WorkerLoaderStatistics}:
 * pool, quota kills, parse cache and workers. Loads are counted by
 * {@link LoadMetricsListener}; invocations are timed by the
 * {@code worker.loader.execution} observation. Tags are bounded: worker ids and code
 * hashes are never tags.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class WorkerLoaderMetrics implements MeterBinder {

	/**
	 * Pre-initialized contexts the pool holds open, idle and handed out.
	 */
	public static final String POOL_SIZE = "worker.loader.pool.size";

	/**
	 * Pre-initialized contexts waiting in the pool.
	 */
	public static final String POOL_IDLE = "worker.loader.pool.idle";

	/**
	 * The number of idle contexts the pool aims for, adapted to the acquisition rate.
	 */
	public static final String POOL_TARGET = "worker.loader.pool.target";

	/**
	 * Acquisitions that found the pool empty and built a context inline.
	 */
	public static final String POOL_MISSES = "worker.loader.pool.misses";

	/**
	 * Workers stopped for exceeding a quota, tagged {@code kind}.
	 */
	public static final String QUOTA_KILLS = "worker.loader.quota.kills";

	/**
	 * Lookups of parsed sources, tagged {@code result} ({@code hit} or {@code miss}).
	 */
	public static final String CACHE_REQUESTS = "worker.loader.cache.requests";

	/**
	 * Parsed sources in the cache.
	 */
	public static final String CACHE_SIZE = "worker.loader.cache.size";

	/**
	 * Parsed sources evicted from the cache.
	 */
	public static final String CACHE_EVICTIONS = "worker.loader.cache.evictions";

	/**
	 * Workers currently open.
	 */
	public static final String WORKERS_ACTIVE = "worker.loader.workers.active";

	/**
	 * Workers kept warm by {@code get(id, ...)}.
	 */
	public static final String WORKERS_KEPT = "worker.loader.workers.kept";

	/**
	 * Kept workers closed because the kept set was full or they were idle too long.
	 */
	public static final String KEPT_EVICTIONS = "worker.loader.kept.evictions";

	/**
	 * Loads and calls refused by a per-client rate limit.
	 */
	public static final String RATE_LIMITED = "worker.loader.rate.limited";

	/**
	 * Requests to the store of the rate-limit buckets, timed, tagged {@code store}
	 * ({@code memory}, {@code jdbc}): with a shared store, its latency is added to every
	 * rate-limited load and call (issue 17).
	 */
	public static final String RATE_LIMIT_STORE = "worker.loader.ratelimit.store";

	/**
	 * Requests to the store of the rate-limit buckets that failed, tagged {@code store}:
	 * each refused its load or call (fail closed).
	 */
	public static final String RATE_LIMIT_STORE_FAILURES = "worker.loader.ratelimit.store.failures";

	private final WorkerLoaderStatistics loader;

	/**
	 * Sandbox threads given up on because a killed worker did not stop within the grace
	 * (issue 13).
	 */
	public static final String THREADS_ABANDONED = "worker.loader.threads.abandoned";

	/**
	 * Abandoned sandbox threads still stuck in guest code.
	 */
	public static final String THREADS_LINGERING = "worker.loader.threads.lingering";

	/**
	 * Creates the meters of the given loader.
	 * @param loader the statistics of the loader
	 */
	public WorkerLoaderMetrics(WorkerLoaderStatistics loader) {
		this.loader = loader;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		WorkerLoaderStatistics loader = this.loader;
		Gauge.builder(POOL_SIZE, loader, (l) -> l.pool().size())
			.description("Pre-initialized sandbox contexts the pool holds open")
			.baseUnit("contexts")
			.register(registry);
		Gauge.builder(POOL_IDLE, loader, (l) -> l.pool().idle())
			.description("Pre-initialized sandbox contexts waiting in the pool")
			.baseUnit("contexts")
			.register(registry);
		Gauge.builder(POOL_TARGET, loader, (l) -> l.pool().target())
			.description("Idle contexts the pool aims for, adapted to the acquisition rate")
			.baseUnit("contexts")
			.register(registry);
		FunctionCounter.builder(POOL_MISSES, loader, (l) -> l.pool().misses())
			.description("Acquisitions that found the pool empty and built a context inline")
			.register(registry);
		for (QuotaKind kind : QuotaKind.values()) {
			FunctionCounter.builder(QUOTA_KILLS, loader, (l) -> l.quotaKills().getOrDefault(kind, 0L))
				.description("Workers stopped for exceeding a quota")
				.tag("kind", kind.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
		FunctionCounter.builder(CACHE_REQUESTS, loader, (l) -> l.sourceCache().hits())
			.description("Lookups of parsed worker sources")
			.tag("result", "hit")
			.register(registry);
		FunctionCounter.builder(CACHE_REQUESTS, loader, (l) -> l.sourceCache().misses())
			.description("Lookups of parsed worker sources")
			.tag("result", "miss")
			.register(registry);
		Gauge.builder(CACHE_SIZE, loader, (l) -> l.sourceCache().size())
			.description("Parsed worker sources in the cache")
			.baseUnit(BaseUnits.OBJECTS)
			.register(registry);
		FunctionCounter.builder(CACHE_EVICTIONS, loader, (l) -> l.sourceCache().evictions())
			.description("Parsed worker sources evicted from the cache")
			.register(registry);
		FunctionCounter.builder(RATE_LIMITED, loader, (l) -> l.rateLimited().total())
			.description("Loads and calls refused by a per-client rate limit")
			.register(registry);
		String store = loader.rateLimitStore().store();
		FunctionTimer
			.builder(RATE_LIMIT_STORE, loader, (l) -> l.rateLimitStore().requests(),
					(l) -> l.rateLimitStore().timeNanos(), TimeUnit.NANOSECONDS)
			.description("Requests to the store of the rate-limit buckets")
			.tag("store", store)
			.register(registry);
		FunctionCounter.builder(RATE_LIMIT_STORE_FAILURES, loader, (l) -> l.rateLimitStore().failures())
			.description("Requests to the store of the rate-limit buckets that failed and refused their load or call")
			.tag("store", store)
			.register(registry);
		Gauge.builder(WORKERS_ACTIVE, loader, WorkerLoaderStatistics::activeWorkers)
			.description("Workers currently open")
			.baseUnit("workers")
			.register(registry);
		FunctionCounter.builder(THREADS_ABANDONED, loader, (l) -> l.threads().abandoned())
			.description("Sandbox threads given up on because a killed worker did not stop within the grace")
			.register(registry);
		Gauge.builder(THREADS_LINGERING, loader, (l) -> l.threads().lingering())
			.description("Abandoned sandbox threads still stuck in guest code")
			.baseUnit(BaseUnits.THREADS)
			.register(registry);
		Gauge.builder(WORKERS_KEPT, loader, WorkerLoaderStatistics::keptWorkers)
			.description("Workers kept warm by get(id)")
			.baseUnit("workers")
			.register(registry);
		FunctionCounter.builder(KEPT_EVICTIONS, loader, WorkerLoaderStatistics::keptEvictions)
			.description("Kept workers closed because the kept set was full or they were idle too long")
			.baseUnit("workers")
			.register(registry);
	}

}
