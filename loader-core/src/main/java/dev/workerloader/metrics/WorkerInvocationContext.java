package dev.workerloader.metrics;

import dev.workerloader.QuotaKind;
import dev.workerloader.WorkerListener;
import dev.workerloader.WorkerListener.InvocationStart;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * The observation context of one worker invocation.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class WorkerInvocationContext extends Observation.Context {

	private final InvocationStart start;

	private String outcome = WorkerListener.SUCCESS;

	private @Nullable QuotaKind quota;

	/**
	 * Creates a context for an invocation that starts.
	 * @param start the invocation
	 */
	public WorkerInvocationContext(InvocationStart start) {
		this.start = start;
	}

	/**
	 * Returns the invocation.
	 * @return the start event
	 */
	public InvocationStart getStart() {
		return this.start;
	}

	/**
	 * Returns the outcome, one of the {@link WorkerListener} outcome constants.
	 * @return the outcome
	 */
	public String getOutcome() {
		return this.outcome;
	}

	/**
	 * Sets the outcome.
	 * @param outcome the outcome
	 */
	public void setOutcome(String outcome) {
		this.outcome = outcome;
	}

	/**
	 * Returns the quota that stopped the invocation, if any.
	 * @return the quota or {@code null}
	 */
	public @Nullable QuotaKind getQuota() {
		return this.quota;
	}

	/**
	 * Sets the quota that stopped the invocation.
	 * @param quota the quota
	 */
	public void setQuota(@Nullable QuotaKind quota) {
		this.quota = quota;
	}

}
