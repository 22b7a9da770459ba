package dev.workerloader.ratelimit;

import java.time.Duration;
import java.util.Objects;

import dev.workerloader.policy.RateLimit;

/**
 * Where the token buckets of {@link ClientRateLimiter} live: one bucket per policy and
 * client, shaped by the policy's {@link RateLimit}. The default,
 * {@link InMemoryRateLimitStore}, keeps them in this JVM, so every application instance
 * enforces its own limit; a shared store (the Spring Boot starter's JDBC store on
 * PostgreSQL) makes one bucket hold across all instances.
 * <p>
 * Implementations must be thread-safe and must take a token atomically: the sum of the
 * tokens handed out across every instance sharing the store never exceeds what the bucket
 * allows. When the store cannot answer it throws; the limiter then refuses the request
 * (fails closed) and counts the failure. Called on the caller's thread, before a worker
 * is loaded or called: nothing of the worker's code or data reaches a store.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public interface RateLimitStore {

	/**
	 * Takes one token from the bucket of the given client under the given policy,
	 * creating a full bucket on first use.
	 * @param policy the policy name
	 * @param client the client id, never blank
	 * @param limit the policy's rate limit, the shape of the bucket
	 * @return whether the token was taken, and if not how long until one is available
	 * @throws RuntimeException if the store cannot be reached or fails: the request is
	 * then refused
	 */
	Consumption tryConsume(String policy, String client, RateLimit limit);

	/**
	 * Returns a short, bounded name of this store, used as the {@code store} tag of its
	 * meters and in messages: {@code memory}, {@code jdbc}.
	 * @return the name
	 */
	default String name() {
		return "custom";
	}

	/**
	 * The answer of a store to one request for a token.
	 *
	 * @param consumed whether a token was taken
	 * @param retryAfter when refused, how long until one more token is available; zero
	 * when consumed
	 */
	record Consumption(boolean consumed, Duration retryAfter) {

		/**
		 * A token was taken.
		 */
		public static final Consumption CONSUMED = new Consumption(true, Duration.ZERO);

		public Consumption {
			Objects.requireNonNull(retryAfter, "'retryAfter' must not be null");
			if (retryAfter.isNegative()) {
				throw new IllegalArgumentException("'retryAfter' must not be negative, but was " + retryAfter);
			}
		}

		/**
		 * A refusal.
		 * @param retryAfterNanos nanoseconds until one more token is available
		 * @return the consumption
		 */
		public static Consumption refused(long retryAfterNanos) {
			return new Consumption(false, Duration.ofNanos(Math.max(0, retryAfterNanos)));
		}

	}

}
