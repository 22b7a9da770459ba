package dev.workerloader;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a worker exceeded one of its quotas and was stopped. The worker is closed;
 * a worker kept by {@link WorkerLoader#get} is dropped and loaded again on the next call.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class WorkerQuotaExceededException extends WorkerException {

	private static final long serialVersionUID = 1L;

	private final QuotaKind kind;

	private final long limit;

	private final long used;

	/**
	 * Creates a new exception.
	 * @param workerId the worker id
	 * @param policy the policy whose limit was exceeded
	 * @param kind the quota
	 * @param limit the limit, in the unit of the kind
	 * @param used the amount used when the worker was stopped
	 * @param property the property that sets the limit
	 */
	public WorkerQuotaExceededException(@Nullable String workerId, String policy, QuotaKind kind, long limit, long used,
			String property) {
		super(workerId, "QuotaExceeded",
				"Worker '" + workerId + "' was stopped: it exceeded its " + kind + " quota (limit "
						+ Quotas.format(kind, limit) + ", used " + Quotas.format(kind, used) + ") of policy '" + policy
						+ "'. If the workload is legitimate, raise " + property + ".");
		this.kind = kind;
		this.limit = limit;
		this.used = used;
	}

	/**
	 * Returns the quota that was exceeded.
	 * @return the kind
	 */
	public QuotaKind kind() {
		return this.kind;
	}

	/**
	 * Returns the limit: nanoseconds for times, bytes for memory and output, a count for
	 * statements.
	 * @return the limit
	 */
	public long limit() {
		return this.limit;
	}

	/**
	 * Returns the amount used when the worker was stopped, in the unit of the limit.
	 * @return the amount used
	 */
	public long used() {
		return this.used;
	}

}
