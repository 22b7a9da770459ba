package dev.workerloader;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a load or call was refused because the store of the rate-limit buckets
 * could not answer (a shared database that is down or too slow): the limiter fails closed
 * rather than let a client past its limit. Nothing was loaded or run; the request may be
 * retried after {@link #retryAfter()}. A {@link WorkerRateLimitedException}, so code that
 * answers refusals with {@code 429 Too Many Requests} and {@code Retry-After} keeps
 * working; catch this type to answer {@code 503 Service Unavailable} instead.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class WorkerRateLimitUnavailableException extends WorkerRateLimitedException {

	private static final long serialVersionUID = 1L;

	private final String store;

	/**
	 * Creates a new exception.
	 * @param workerId the worker id, if known
	 * @param policy the policy whose rate limit could not be checked
	 * @param store the name of the store that failed, such as {@code jdbc}
	 * @param retryAfter how long the client should wait before retrying
	 * @param message what was refused, why, and what to check
	 */
	public WorkerRateLimitUnavailableException(@Nullable String workerId, String policy, String store,
			Duration retryAfter, String message) {
		super(workerId, "RateLimitUnavailable", policy, retryAfter, message);
		this.store = store;
	}

	/**
	 * Returns the name of the rate-limit store that failed.
	 * @return the store name, such as {@code jdbc}
	 */
	public String getStore() {
		return this.store;
	}

}
