package dev.workerloader;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.workerloader.policy.WorkerPolicy;
import org.jspecify.annotations.Nullable;

/**
 * A read-only view of what a {@link WorkerLoader} does: the engine, the warm pool, the
 * parse cache, kept and open workers, sandbox threads, loads, quota kills and rate-limit
 * refusals. The actuator endpoint, the health indicator and the meters read a loader
 * through this interface only, so a loader of the application's own (a decorator, or one
 * built by hand) keeps them by implementing it. {@code GraalWorkerLoader} implements it.
 * <p>
 * Implementations must be thread-safe and cheap to call: every method is read on each
 * scrape or endpoint request. Nothing here returns guest source, var values, secrets or
 * messages produced by guest code.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public interface WorkerLoaderStatistics {

	/**
	 * Returns whether the engine is warm and ready.
	 * @return whether the engine is ready
	 */
	boolean isReady();

	/**
	 * Returns why the engine failed to start, if it did.
	 * @return the failure, or {@code null}
	 */
	@Nullable Throwable startupFailure();

	/**
	 * Returns the GraalJS version, the Truffle runtime and the JDK, once the engine is
	 * ready.
	 * @return the runtime description, or {@code null} while warming up
	 */
	@Nullable RuntimeDescriptor runtime();

	/**
	 * Returns the state of the warm pool of pre-initialized contexts.
	 * @return the pool statistics
	 */
	PoolDescriptor pool();

	/**
	 * Returns statistics of the parsed-source cache.
	 * @return the cache statistics
	 */
	CacheDescriptor sourceCache();

	/**
	 * Returns the state of the sandbox threads, abandoned ones included.
	 * @return the thread statistics
	 */
	ThreadsDescriptor threads();

	/**
	 * Returns the number of workers currently open.
	 * @return the active worker count
	 */
	int activeWorkers();

	/**
	 * Returns the number of workers kept by {@code get(id, ...)}, over all clients.
	 * @return the kept worker count
	 */
	int keptWorkers();

	/**
	 * Returns the number of kept workers closed because the kept set was full or they
	 * were idle too long.
	 * @return the eviction count
	 */
	long keptEvictions();

	/**
	 * Returns the ids of the kept workers.
	 * @return the kept worker ids
	 */
	Set<String> keptWorkerIds();

	/**
	 * Returns the workers kept under {@code id}: one per client and code identity.
	 * @param id the worker id
	 * @return the kept workers, empty if none
	 */
	List<KeptWorkerDescriptor> keptWorker(String id);

	/**
	 * Returns the number of workers loaded since start.
	 * @return the load count
	 */
	long loadCount();

	/**
	 * Returns the number of workers stopped for exceeding each quota.
	 * @return the kill counts by kind
	 */
	Map<QuotaKind, Long> quotaKills();

	/**
	 * Returns the loads and calls refused by per-client rate limits.
	 * @return the refusals
	 */
	RateLimitedDescriptor rateLimited();

	/**
	 * Returns the requests to the store of the rate-limit buckets (issue 17): with a
	 * shared store, its latency is added to every rate-limited load and call. A loader
	 * without a store of its own reports an idle in-memory one.
	 * @return the store's requests
	 */
	default RateLimitStoreDescriptor rateLimitStore() {
		return new RateLimitStoreDescriptor("memory", 0, 0, 0);
	}

	/**
	 * Returns the policies this loader checks workers against.
	 * @return the policies
	 */
	Collection<WorkerPolicy> policies();

	/**
	 * Loads and calls refused by per-client rate limits.
	 *
	 * @param total all refusals
	 * @param byPolicy refusals by policy
	 */
	record RateLimitedDescriptor(long total, Map<String, Long> byPolicy) {
	}

	/**
	 * Requests to the store of the rate-limit buckets.
	 *
	 * @param store the store's name ({@code memory}, {@code jdbc})
	 * @param requests requests made to it
	 * @param timeNanos their total time, in nanoseconds
	 * @param failures requests that failed, each refusing its load or call
	 */
	record RateLimitStoreDescriptor(String store, long requests, long timeNanos, long failures) {
	}

	/**
	 * What runs the sandboxes.
	 *
	 * @param graalVersion the GraalJS (polyglot) version
	 * @param implementation the Truffle runtime name
	 * @param jit whether the optimizing JIT compiles guest code
	 * @param jdk the JDK version and vendor
	 */
	record RuntimeDescriptor(String graalVersion, String implementation, boolean jit, String jdk) {
	}

	/**
	 * A worker kept by {@link WorkerLoader#get(String, Supplier)} or
	 * {@link WorkerLoader#get(String, WorkerCode)}.
	 *
	 * @param id the worker id
	 * @param policy the policy name
	 * @param codeSha256 the SHA-256 of its code
	 * @param age how long it has been loaded
	 * @param invocations the number of calls so far
	 * @param lastOutcome the outcome of the last call, if any
	 */
	record KeptWorkerDescriptor(String id, String policy, String codeSha256, Duration age, long invocations,
			@Nullable String lastOutcome) {
	}

	/**
	 * The warm pool of pre-initialized sandbox contexts. Each context serves one worker
	 * and is never returned.
	 *
	 * @param min the smallest number of idle contexts kept ready
	 * @param max the largest number of idle contexts kept ready
	 * @param target the number of idle contexts aimed for now: the acquisitions of the
	 * last second, between min and max
	 * @param size the open contexts that came from the pool: idle plus serving a worker
	 * @param idle the contexts ready to be handed out
	 * @param created the contexts built ahead of time since start
	 * @param acquired the contexts handed out since start
	 * @param misses the acquisitions that found no idle context and built one inline
	 * @param engineReady whether the engine finished warming up
	 */
	record PoolDescriptor(int min, int max, int target, int size, int idle, long created, long acquired, long misses,
			boolean engineReady) {
	}

	/**
	 * The platform threads that run guest code. A thread stuck in a long built-in after
	 * its worker was killed is abandoned and replaced until it returns.
	 *
	 * @param size the configured number of threads
	 * @param live the threads alive now, replacements included
	 * @param active the threads running guest code now
	 * @param abandoned the threads given up on since start
	 * @param lingering the abandoned threads still stuck now
	 * @param returned the abandoned threads that came back
	 * @param notReplaced the abandoned threads not replaced because too many lingered
	 * @param lastLinger how long the last returning thread stayed stuck after it was
	 * abandoned, or {@code null}
	 * @param maxLinger the longest such time, or {@code null}
	 */
	record ThreadsDescriptor(int size, int live, int active, long abandoned, int lingering, long returned,
			long notReplaced, @Nullable Duration lastLinger, @Nullable Duration maxLinger) {
	}

	/**
	 * Statistics of a cache.
	 *
	 * @param hits the hit count
	 * @param misses the miss count
	 * @param hitRate hits divided by requests, or 1 when there was no request
	 * @param size the estimated number of entries
	 * @param evictions the eviction count
	 */
	record CacheDescriptor(long hits, long misses, double hitRate, long size, long evictions) {
	}

}
