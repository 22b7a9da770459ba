package dev.workerloader.ratelimit;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.workerloader.policy.RateLimit;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

/**
 * The default {@link RateLimitStore}: Bucket4j buckets in this JVM, so with several
 * application instances each enforces its own limit. Idle buckets are forgotten after an
 * hour (by then they are full again), and at most 100,000 are kept. Thread-safe.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class InMemoryRateLimitStore implements RateLimitStore {

	private final Cache<Key, Bucket> buckets;

	/**
	 * Creates an empty store.
	 */
	public InMemoryRateLimitStore() {
		// Idle buckets are full again after at most capacity/refill periods; dropping
		// them after an hour without use only forgets clients that would have a full
		// bucket.
		this.buckets = Caffeine.newBuilder().expireAfterAccess(Duration.ofHours(1)).maximumSize(100_000).build();
	}

	@Override
	public Consumption tryConsume(String policy, String client, RateLimit limit) {
		Bucket bucket = this.buckets.get(new Key(policy, client, limit), (key) -> newBucket(limit));
		ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
		return probe.isConsumed() ? Consumption.CONSUMED : Consumption.refused(probe.getNanosToWaitForRefill());
	}

	@Override
	public String name() {
		return "memory";
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
