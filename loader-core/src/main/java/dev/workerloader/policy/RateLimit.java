package dev.workerloader.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * A token bucket per client: each worker load and each call takes one token; the bucket
 * holds at most {@code capacity} tokens and gets {@code refillTokens} back every
 * {@code refillPeriod}, spread evenly over the period.
 *
 * @param capacity the most tokens a client can hold, and so its largest burst
 * @param refillTokens tokens added per period
 * @param refillPeriod the period
 * @author Worker Loader team
 * @since 0.1.0
 */
public record RateLimit(long capacity, long refillTokens, Duration refillPeriod) {

	public RateLimit {
		Objects.requireNonNull(refillPeriod, "'refillPeriod' must not be null");
		if (capacity < 1) {
			throw new IllegalArgumentException("'capacity' must be at least 1, but was " + capacity);
		}
		if (refillTokens < 1) {
			throw new IllegalArgumentException("'refillTokens' must be at least 1, but was " + refillTokens);
		}
		if (refillPeriod.isNegative() || refillPeriod.isZero()) {
			throw new IllegalArgumentException("'refillPeriod' must be positive, but was " + refillPeriod);
		}
	}

}
