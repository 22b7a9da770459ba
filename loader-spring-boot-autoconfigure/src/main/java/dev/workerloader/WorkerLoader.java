package dev.workerloader;

import java.util.function.Supplier;

/**
 * Loads untrusted JavaScript into isolated sandboxes, modelled on Cloudflare's Dynamic
 * Worker Loader ({@code env.LOADER.load(...)} and {@code env.LOADER.get(id, ...)}).
 * <p>
 * Implementations are thread-safe. Every worker runs in its own sandbox (a GraalJS context
 * created for it alone); no state is shared between workers. The Spring Boot
 * auto-configuration registers one under the bean name {@code LOADER}.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public interface WorkerLoader {

	/**
	 * Loads the given code into a fresh sandbox. The caller owns the returned worker and
	 * must close it; closing releases the sandbox.
	 * @param code the code and capabilities of the worker
	 * @return a new worker whose main module has been evaluated
	 * @throws WorkerPolicyException if the worker's policy refuses what the code asks for
	 * @throws WorkerLoadException if the code cannot be loaded (syntax error, missing
	 * module, unknown import)
	 */
	Worker load(WorkerCode code);

	/**
	 * Returns the worker kept warm under {@code id}, loading it from {@code code} when
	 * absent. The supplier is only called when no worker is kept under that id for the
	 * same policy and capabilities. A kept worker is shared: do not close it, use
	 * {@link #evict(String)}. Calls to one worker are serialised.
	 * @param id the worker id
	 * @param code supplies the code when the worker has to be loaded
	 * @return the kept worker
	 */
	Worker get(String id, Supplier<WorkerCode> code);

	/**
	 * Closes and forgets the worker kept under {@code id}.
	 * @param id the worker id
	 * @return whether a worker was kept under that id
	 */
	boolean evict(String id);

}
