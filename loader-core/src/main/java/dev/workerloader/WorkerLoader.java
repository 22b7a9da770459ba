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
	 * none is kept, as Cloudflare's {@code LOADER.get(id, callback)} does. The supplier
	 * is called <em>only</em> when no worker is kept under {@code id}, so it may be lazy
	 * (code loaded from a database, say).
	 * <p>
	 * Kept workers belong to one client: they are kept under the resolved client id (the
	 * code's {@link WorkerCode.Builder#clientId(String) client id}, or the caller's
	 * principal) as well as the id, so two clients never share a kept worker. Within a
	 * client the id <em>is</em> the identity: the same id must always mean the same code
	 * and capabilities. Use ids that say so, such as {@code tenant:agent:version}; a
	 * caller who cannot guarantee it uses {@link #get(String, WorkerCode)}.
	 * <p>
	 * A kept worker is shared by the client's callers: do not close it, use
	 * {@link #evict(String)}. Calls to one worker are serialised. The kept set is bounded
	 * (rarely used and idle workers are closed); a caller holding a worker that was
	 * closed meanwhile gets a {@link WorkerClosedException} and asks again.
	 * @param id the worker id
	 * @param code supplies the code when no worker is kept under {@code id}
	 * @return the kept worker
	 */
	Worker get(String id, Supplier<WorkerCode> code);

	/**
	 * Returns the worker kept warm under {@code id} with exactly this code's identity,
	 * loading it when none is kept: the eager form of {@link #get(String, Supplier)}, for
	 * callers who cannot guarantee that one id always means the same code. The identity
	 * is the code hash, the policy, the client id, the env values, the binding objects
	 * and the outbound handler; one worker is kept per identity, and per client as in
	 * {@link #get(String, Supplier)}.
	 * @param id the worker id
	 * @param code the code and capabilities of the worker
	 * @return the kept worker
	 */
	Worker get(String id, WorkerCode code);

	/**
	 * Closes and forgets every worker kept under {@code id}, for every client.
	 * @param id the worker id
	 * @return whether an open worker was kept under that id
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
