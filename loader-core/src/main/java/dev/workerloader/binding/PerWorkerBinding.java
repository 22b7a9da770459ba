package dev.workerloader.binding;

/**
 * A binding whose state belongs to each worker, such as the KV store: when a worker asks
 * for it by name, the loader exposes {@link #forWorker(String)} instead of the registered
 * object, so that each worker id sees only its own data.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public interface PerWorkerBinding {

	/**
	 * Returns the object a worker's calls go to.
	 * @param workerId the worker id
	 * @return the object, exposing the same methods as this binding
	 * @throws IllegalArgumentException if this worker cannot have the binding; the
	 * message says why and how to fix it
	 */
	Object forWorker(String workerId);

}
