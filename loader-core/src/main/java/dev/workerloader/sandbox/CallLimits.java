package dev.workerloader.sandbox;

import dev.workerloader.policy.WorkerLimits;

/**
 * The rule every tier applies to a call's own limits (issue 19): a call may lower its
 * worker's limits, but not the statement limit, which is fixed when the worker's context
 * is built; silently ignoring it would break "the lowest wins".
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class CallLimits {

	private CallLimits() {
	}

	/**
	 * Refuses call limits that would lower the statement limit.
	 * @param workerId the worker
	 * @param policy the worker's policy name
	 * @param workerLimits the worker's limits (its policy's, lowered by its code)
	 * @param callLimits the call's limits
	 * @throws IllegalArgumentException naming where to set the statement limit instead
	 */
	public static void check(String workerId, String policy, WorkerLimits workerLimits, WorkerLimits callLimits) {
		long fixed = workerLimits.statements();
		if (callLimits.statements() != 0 && (fixed == 0 || callLimits.statements() < fixed)) {
			throw new IllegalArgumentException("Worker '" + workerId + "': a call cannot lower the statement limit (to "
					+ callLimits.statements() + "): it is fixed when the worker's context is built. Set it with"
					+ " WorkerCode.Builder.limits(...) or " + QuotaProperties.limit(policy, "statements")
					+ ", and leave statements at 0 in the call's limits.");
		}
	}

}
