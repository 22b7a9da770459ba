package dev.workerloader.egress;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds on a worker's {@code fetch()}: how many subrequests one invocation may make
 * (every redirect hop counts), how large one response body may be, and how long one
 * {@code fetch()} may take, redirects included.
 *
 * @param maxRequests subrequests per invocation
 * @param maxResponseSize bytes of one response body
 * @param timeout time of one {@code fetch()}, from the first connection to the last byte
 * @author Worker Loader team
 * @since 0.1.0
 */
public record OutboundLimits(int maxRequests, long maxResponseSize, Duration timeout) {

	/**
	 * The default bounds: 50 subrequests per invocation, 1 MiB per response, 5 s per
	 * {@code fetch()}.
	 */
	public static final OutboundLimits DEFAULTS = new OutboundLimits(50, 1024 * 1024, Duration.ofSeconds(5));

	public OutboundLimits {
		Objects.requireNonNull(timeout, "'timeout' must not be null");
		if (maxRequests < 0) {
			throw new IllegalArgumentException("'maxRequests' must not be negative, but was " + maxRequests);
		}
		if (maxResponseSize < 0) {
			throw new IllegalArgumentException("'maxResponseSize' must not be negative, but was " + maxResponseSize);
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("'timeout' must be positive, but was " + timeout);
		}
	}

}
