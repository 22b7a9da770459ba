package dev.workerloader.ratelimit;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.workerloader.WorkerRateLimitedException;
import dev.workerloader.policy.RateLimit;
import dev.workerloader.policy.WorkerPolicy;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import org.jspecify.annotations.Nullable;

/**
 * Per-client token buckets (Bucket4j), one per policy and client: every worker load and
 * every call takes one token from the bucket of its client under the worker's policy, as
 * configured by the policy's {@link RateLimit}. Policies without one are not limited. The
 * client is the code's {@code clientId}, else what the {@link ClientIdResolver} finds
 * (the authenticated principal with Spring Security), else {@code anonymous}, whose
 * requests all share one bucket.
 * <p>
 * Buckets live in this JVM: with several application instances each enforces its own
 * limit. Thread-safe.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class ClientRateLimiter {

	/**
	 * The client of requests whose client is unknown.
	 */
	public static final String ANONYMOUS = "anonymous";

	private final ClientIdResolver clientIds;

	private final Cache<Key, Bucket> buckets;

	private final AtomicLong refusals = new AtomicLong();

	private final Map<String, AtomicLong> refusalsByPolicy = new ConcurrentHashMap<>();

	/**
	 * Creates a limiter.
	 * @param clientIds finds the client when the code names none
	 */
	public ClientRateLimiter(ClientIdResolver clientIds) {
		this.clientIds = Objects.requireNonNull(clientIds, "'clientIds' must not be null");
		// Idle buckets are full again after at most capacity/refill periods; dropping
		// them
		// after an hour without use only forgets clients that would have a full bucket.
		this.buckets = Caffeine.newBuilder().expireAfterAccess(Duration.ofHours(1)).maximumSize(100_000).build();
	}

	/**
	 * Takes one token for a load or call, or refuses it.
	 * @param workerId the worker
	 * @param policy the worker's policy
	 * @param clientId the client the code names, or {@code null} to ask the resolver
	 * @param what {@code "load"} or {@code "call"}, for the message
	 * @throws WorkerRateLimitedException if the client's bucket is empty
	 */
	public void acquire(String workerId, WorkerPolicy policy, @Nullable String clientId, String what) {
		RateLimit limit = policy.rateLimit();
		if (limit == null) {
			return;
		}
		String client = clientOf(clientId);
		Bucket bucket = this.buckets.get(new Key(policy.name(), client, limit), (key) -> newBucket(limit));
		ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
		if (probe.isConsumed()) {
			return;
		}
		this.refusals.incrementAndGet();
		this.refusalsByPolicy.computeIfAbsent(policy.name(), (name) -> new AtomicLong()).incrementAndGet();
		Duration retryAfter = Duration.ofNanos(Math.max(0, probe.getNanosToWaitForRefill()));
		long retryMillis = Math.max(1, retryAfter.toMillis());
		throw new WorkerRateLimitedException(workerId, policy.name(), retryAfter,
				"The " + what + " of worker '" + workerId + "' was refused: client '" + client
						+ "' used up its rate limit of policy '" + policy.name() + "' (" + limit.capacity()
						+ " at once, " + limit.refillTokens() + " more every " + limit.refillPeriod().toMillis()
						+ " ms). Retry after " + retryMillis + " ms, or raise worker-loader.policies." + policy.name()
						+ ".rate-limit.capacity or refill-tokens.");
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
	 * Returns the number of loads and calls refused since start.
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

	private static Bucket newBucket(RateLimit limit) {
		return Bucket.builder()
			.addLimit(Bandwidth.builder()
				.capacity(limit.capacity())
				.refillGreedy(limit.refillTokens(), limit.refillPeriod())
				.build())
			.build();
	}

	private record Key(String policy, String client, RateLimit limit) {
	}

}
