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
						+ "': " + meaning(kind, property) + " If the workload is legitimate, raise " + property + ".");
		this.kind = kind;
		this.limit = limit;
		this.used = used;
	}

	/**
	 * Says what the amount of a kind counts, so that the message is honest about it.
	 * @param kind the quota
	 * @param property the property that sets the limit
	 * @return one sentence
	 */
	private static String meaning(QuotaKind kind, String property) {
		return switch (kind) {
			case CPU_TIME -> "CPU time of its sandbox thread.";
			case WALL_TIME -> "wall time of the invocation, awaited host calls and timers included.";
			case MEMORY -> property.endsWith(".limits.memory")
					? "bytes its sandbox thread allocated during the invocation, garbage included"
							+ " (the memory quota is an allocation budget, not retained heap)."
					: "bytes of JVM heap still in use after a collection; the invocation that had allocated"
							+ " the most was stopped to protect the host.";
			case OUTPUT -> "bytes of result or console output.";
			case STATEMENTS -> "guest statements executed.";
		};
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
