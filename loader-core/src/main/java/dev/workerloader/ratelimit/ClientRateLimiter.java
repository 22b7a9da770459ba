package dev.workerloader.ratelimit;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.workerloader.WorkerRateLimitUnavailableException;
import dev.workerloader.WorkerRateLimitedException;
import dev.workerloader.policy.RateLimit;
import dev.workerloader.policy.WorkerPolicy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Per-client token buckets (Bucket4j), one per policy and client: every worker load and
 * every call takes one token from the bucket of its client under the worker's policy, as
 * configured by the policy's {@link RateLimit}. Policies without one are not limited. The
 * client is the code's {@code clientId}, else what the {@link ClientIdResolver} finds
 * (the authenticated principal with Spring Security), else {@code anonymous}, whose
 * requests all share one bucket.
 * <p>
 * The buckets live in a {@link RateLimitStore}: by default in this JVM
 * ({@link InMemoryRateLimitStore}), where with several application instances each
 * enforces its own limit; a shared store makes the limit hold across all of them. Every
 * store request is timed ({@link #storeRequests()}, {@link #storeTime()}); when the store
 * fails the request is refused with a {@link WorkerRateLimitUnavailableException} (fail
 * closed) and counted ({@link #storeFailures()}). Thread-safe.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class ClientRateLimiter {

	/**
	 * The client of requests whose client is unknown.
	 */
	public static final String ANONYMOUS = "anonymous";

	/**
	 * How long a client is told to wait when the store failed.
	 */
	static final Duration RETRY_AFTER_STORE_FAILURE = Duration.ofSeconds(1);

	private static final Log logger = LogFactory.getLog(ClientRateLimiter.class);

	private final ClientIdResolver clientIds;

	private final RateLimitStore store;

	private final AtomicLong refusals = new AtomicLong();

	private final Map<String, AtomicLong> refusalsByPolicy = new ConcurrentHashMap<>();

	private final LongAdder storeRequests = new LongAdder();

	private final LongAdder storeNanos = new LongAdder();

	private final LongAdder storeFailures = new LongAdder();

	private final AtomicBoolean storeFailing = new AtomicBoolean();

	/**
	 * Creates a limiter whose buckets live in this JVM.
	 * @param clientIds finds the client when the code names none
	 */
	public ClientRateLimiter(ClientIdResolver clientIds) {
		this(clientIds, new InMemoryRateLimitStore());
	}

	/**
	 * Creates a limiter whose buckets live in the given store.
	 * @param clientIds finds the client when the code names none
	 * @param store where the buckets live
	 */
	public ClientRateLimiter(ClientIdResolver clientIds, RateLimitStore store) {
		this.clientIds = Objects.requireNonNull(clientIds, "'clientIds' must not be null");
		this.store = Objects.requireNonNull(store, "'store' must not be null");
	}

	/**
	 * Takes one token for a load or call, or refuses it.
	 * @param workerId the worker
	 * @param policy the worker's policy
	 * @param clientId the client the code names, or {@code null} to ask the resolver
	 * @param what {@code "load"} or {@code "call"}, for the message
	 * @throws WorkerRateLimitedException if the client's bucket is empty
	 * @throws WorkerRateLimitUnavailableException if the store failed
	 */
	public void acquire(String workerId, WorkerPolicy policy, @Nullable String clientId, String what) {
		RateLimit limit = policy.rateLimit();
		if (limit == null) {
			return;
		}
		String client = clientOf(clientId);
		RateLimitStore.Consumption consumption = consume(workerId, policy, client, limit, what);
		if (consumption.consumed()) {
			return;
		}
		refused(policy);
		Duration retryAfter = consumption.retryAfter();
		long retryMillis = Math.max(1, retryAfter.toMillis());
		throw new WorkerRateLimitedException(workerId, policy.name(), retryAfter,
				"The " + what + " of worker '" + workerId + "' was refused: client '" + client
						+ "' used up its rate limit of policy '" + policy.name() + "' (" + limit.capacity()
						+ " at once, " + limit.refillTokens() + " more every " + limit.refillPeriod().toMillis()
						+ " ms). Retry after " + retryMillis + " ms, or raise worker-loader.policies." + policy.name()
						+ ".rate-limit.capacity or refill-tokens.");
	}

	private RateLimitStore.Consumption consume(String workerId, WorkerPolicy policy, String client, RateLimit limit,
			String what) {
		long start = System.nanoTime();
		try {
			RateLimitStore.Consumption consumption = this.store.tryConsume(policy.name(), client, limit);
			if (consumption == null) {
				throw new IllegalStateException("Rate-limit store '" + this.store.name()
						+ "' answered null for policy '" + policy.name() + "'");
			}
			if (this.storeFailing.compareAndSet(true, false)) {
				logger.info("Rate-limit store '" + this.store.name() + "' answers again.");
			}
			return consumption;
		}
		catch (RuntimeException ex) {
			this.storeFailures.increment();
			refused(policy);
			// Issue 17: fail closed. The cause stays in the host log (class and message,
			// no stack unless debugging), never in the caller's error.
			if (this.storeFailing.compareAndSet(false, true)) {
				logger.warn("Rate-limit store '" + this.store.name() + "' failed (" + ex.getClass().getName() + ": "
						+ ex.getMessage() + "); loads and calls under rate-limited policies are refused until it"
						+ " answers again.");
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Rate-limit store '" + this.store.name() + "' failed for policy '" + policy.name() + "'",
						ex);
			}
			throw new WorkerRateLimitUnavailableException(workerId, policy.name(), this.store.name(),
					RETRY_AFTER_STORE_FAILURE,
					"The " + what + " of worker '" + workerId + "' was refused: the rate limit of policy '"
							+ policy.name() + "' for client '" + client + "' could not be checked because rate-limit"
							+ " store '" + this.store.name() + "' failed (" + ex.getClass().getSimpleName()
							+ "), and an unchecked request could exceed the limit. Retry after "
							+ RETRY_AFTER_STORE_FAILURE.toMillis()
							+ " ms; check the database behind worker-loader.rate-limits.store.");
		}
		finally {
			this.storeRequests.increment();
			this.storeNanos.add(System.nanoTime() - start);
		}
	}

	private void refused(WorkerPolicy policy) {
		this.refusals.incrementAndGet();
		this.refusalsByPolicy.computeIfAbsent(policy.name(), (name) -> new AtomicLong()).incrementAndGet();
	}

	/**
	 * Returns the client a request is counted for.
	 * @param clientId the client the code names, or {@code null}
	 * @return the client id
	 */
	public String clientOf(@Nullable String clientId) {
		if (clientId != null) {
			return clientId;
		}
		String current = this.clientIds.currentClientId();
		return (current != null && !current.isBlank()) ? current : ANONYMOUS;
	}

	/**
	 * Returns the store the buckets live in.
	 * @return the store
	 */
	public RateLimitStore store() {
		return this.store;
	}

	/**
	 * Returns the number of loads and calls refused since start, including those refused
	 * because the store failed.
	 * @return the refusal count
	 */
	public long refusals() {
		return this.refusals.get();
	}

	/**
	 * Returns the number of loads and calls refused since start, by policy name.
	 * @return the refusal counts
	 */
	public Map<String, Long> refusalsByPolicy() {
		Map<String, Long> result = new TreeMap<>();
		this.refusalsByPolicy.forEach((name, count) -> result.put(name, count.get()));
		return result;
	}

	/**
	 * Returns the number of requests made to the store since start, answered or failed.
	 * @return the request count
	 */
	public long storeRequests() {
		return this.storeRequests.sum();
	}

	/**
	 * Returns the time spent in the store since start, over all requests.
	 * @return the total time in nanoseconds
	 */
	public long storeTime() {
		return this.storeNanos.sum();
	}

	/**
	 * Returns the number of store requests that failed since start (each refused its load
	 * or call).
	 * @return the failure count
	 */
	public long storeFailures() {
		return this.storeFailures.sum();
	}

}
