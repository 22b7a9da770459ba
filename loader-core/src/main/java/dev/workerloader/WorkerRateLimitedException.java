package dev.workerloader;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a client asked for more worker loads or calls than its policy's rate limit
 * allows. Nothing was loaded or run; the request may be retried after
 * {@link #retryAfter()}.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class WorkerRateLimitedException extends WorkerException {

	private static final long serialVersionUID = 1L;

	private final String policy;

	private final Duration retryAfter;

	/**
	 * Creates a new exception.
	 * @param workerId the worker id, if known
	 * @param policy the policy whose rate limit refused
	 * @param retryAfter how long until one more request is allowed
	 * @param message what was refused, for which client, and how to allow more
	 */
	public WorkerRateLimitedException(@Nullable String workerId, String policy, Duration retryAfter, String message) {
		this(workerId, "RateLimited", policy, retryAfter, message);
	}

	/**
	 * Creates a new exception of a more specific category.
	 * @param workerId the worker id, if known
	 * @param name the category name
	 * @param policy the policy whose rate limit refused
	 * @param retryAfter how long until one more request is allowed
	 * @param message what was refused, for which client, and how to allow more
	 */
	protected WorkerRateLimitedException(@Nullable String workerId, String name, String policy, Duration retryAfter,
			String message) {
		super(workerId, name, message);
		this.policy = policy;
		this.retryAfter = retryAfter;
	}

	/**
	 * Returns the name of the policy whose rate limit refused.
	 * @return the policy name
	 */
	public String getPolicy() {
		return this.policy;
	}

	/**
	 * Returns how long the client should wait before one more load or call is allowed, as
	 * for an HTTP {@code Retry-After} header.
	 * @return the wait, never negative
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}
