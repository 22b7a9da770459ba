package dev.workerloader.metrics;

import dev.workerloader.WorkerListener.HostCall;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * The context of a {@code worker.loader.binding} or {@code worker.loader.fetch}
 * observation: one binding method call or one {@code fetch} hop of a worker, a child of
 * the invocation's {@code worker.loader.execution} observation.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class WorkerHostCallContext extends Observation.Context {

	private final HostCall call;

	private @Nullable String failure;

	/**
	 * Creates a context.
	 * @param call the host call
	 */
	public WorkerHostCallContext(HostCall call) {
		this.call = call;
	}

	/**
	 * Returns the host call.
	 * @return the call
	 */
	public HostCall getCall() {
		return this.call;
	}

	/**
	 * Returns the category of the failure, or {@code null} if the call succeeded or runs.
	 * @return the failure category
	 */
	public @Nullable String getFailure() {
		return this.failure;
	}

	/**
	 * Sets the category of the failure.
	 * @param failure the failure category, or {@code null}
	 */
	public void setFailure(@Nullable String failure) {
		this.failure = failure;
	}

}
