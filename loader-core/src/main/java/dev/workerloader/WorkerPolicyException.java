package dev.workerloader;

import org.jspecify.annotations.Nullable;

/**
 * Thrown before a sandbox is created when a worker asks for something its policy does not
 * grant: an unknown policy, a binding the policy does not list, or a value that would
 * shadow a binding. The message names the worker, the name, the policy and the property
 * to change if the request is intended.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class WorkerPolicyException extends WorkerException {

	private static final long serialVersionUID = 1L;

	private final String policy;

	/**
	 * Creates a new exception.
	 * @param workerId the worker id, if known
	 * @param policy the policy name
	 * @param message what was refused, why, and how to allow it
	 */
	public WorkerPolicyException(@Nullable String workerId, String policy, String message) {
		super(workerId, "PolicyError", message);
		this.policy = policy;
	}

	/**
	 * Returns the name of the policy that refused.
	 * @return the policy name
	 */
	public String getPolicy() {
		return this.policy;
	}

}
