package dev.workerloader;

import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.workerloader.codemode.CodeMode;
import dev.workerloader.codemode.CodeNormalizer;
import dev.workerloader.codemode.RunResult;
import org.jspecify.annotations.Nullable;

/**
 * Loads untrusted JavaScript into isolated sandboxes, modelled on Cloudflare's Dynamic
 * Worker Loader ({@code env.LOADER.load(...)} and {@code env.LOADER.get(id, ...)}).
 * <p>
 * Implementations are thread-safe. Every worker runs in its own sandbox (a GraalJS
 * context created for it alone); no state is shared between workers. The Spring Boot
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
	 * absent. A kept worker is keyed by its id <em>and</em> by its policy, its env names
	 * and the SHA-256 of its code, so one id asked for with other capabilities never
	 * returns another caller's sandbox. The supplier is not called when the same supplier
	 * instance already loaded the worker kept under {@code id}; another supplier is
	 * called once to learn which code and capabilities it asks for. The sandbox is loaded
	 * only when no worker with that identity is kept. A kept worker is shared: do not
	 * close it, use {@link #evict(String)}. Calls to one worker are serialised.
	 * @param id the worker id
	 * @param code supplies the code when the worker has to be loaded or identified
	 * @return the kept worker
	 */
	Worker get(String id, Supplier<WorkerCode> code);

	/**
	 * Closes and forgets the worker kept under {@code id}.
	 * @param id the worker id
	 * @return whether a worker was kept under that id
	 */
	boolean evict(String id);

	/**
	 * Runs code as a language model wrote it, in a fresh sandbox, and reports everything
	 * about the run instead of throwing: see {@link CodeNormalizer} for the shapes
	 * understood. The worker runs under the {@code default} policy without bindings.
	 * @param code the model's output
	 * @param param the parameter, deep-copied into the sandbox
	 * @return the result, with the value or the error
	 */
	default RunResult run(String code, @Nullable Object param) {
		return run(code, param, (builder) -> {
		});
	}

	/**
	 * Runs code as a language model wrote it, in a fresh sandbox, with the bindings and
	 * policy the customizer sets, and reports everything about the run instead of
	 * throwing.
	 * @param code the model's output
	 * @param param the parameter, deep-copied into the sandbox
	 * @param customizer sets env, policy, name or client id on the worker's code
	 * @return the result, with the value or the error
	 */
	default RunResult run(String code, @Nullable Object param, Consumer<WorkerCode.Builder> customizer) {
		return CodeMode.run(this, code, param, customizer);
	}

}
