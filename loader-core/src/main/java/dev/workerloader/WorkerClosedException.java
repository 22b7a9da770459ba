package dev.workerloader;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a worker is called after it was closed or evicted, or when it is closed
 * while a call is running.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class WorkerClosedException extends WorkerException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates a new exception.
	 * @param workerId the worker id
	 * @param message what happened and what to do
	 */
	public WorkerClosedException(@Nullable String workerId, String message) {
		super(workerId, "WorkerClosed", message);
	}

}
