package dev.workerloader;

import java.util.Map;

import dev.workerloader.policy.WorkerLimits;

/**
 * A loaded worker: one sandbox holding the evaluated modules of a {@link WorkerCode}.
 * <p>
 * Thread-safe: calls from several threads are queued and run one at a time on the
 * loader's own sandbox threads, never on the caller's thread. {@link #close()} is
 * idempotent and may be called while a call is running, which then fails.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public interface Worker extends AutoCloseable {

	/**
	 * Returns the id of this worker: the id given to {@link WorkerLoader#get}, the code's
	 * name, or a generated id.
	 * @return the worker id
	 */
	String id();

	/**
	 * Returns the name of the policy this worker runs under.
	 * @return the policy name
	 */
	String policy();

	/**
	 * Returns the default export of the main module.
	 * @return the default entrypoint
	 */
	default Entrypoint getEntrypoint() {
		return getEntrypoint(Entrypoint.DEFAULT, Map.of());
	}

	/**
	 * Returns a named export of the main module.
	 * @param name the export name ({@code "default"} for the default export)
	 * @return the entrypoint
	 */
	default Entrypoint getEntrypoint(String name) {
		return getEntrypoint(name, Map.of());
	}

	/**
	 * Returns a named export of the main module whose methods see {@code props} as
	 * {@code ctx.props}.
	 * @param name the export name ({@code "default"} for the default export)
	 * @param props JSON-like values, deep-copied into the sandbox on every call
	 * @return the entrypoint
	 */
	Entrypoint getEntrypoint(String name, Map<String, ?> props);

	/**
	 * Returns a named export whose calls run under lower limits (issue 19): for each
	 * limit the lowest of the policy's, the code's and these wins, so a call can never
	 * raise what the policy allows.
	 * @param name the export name
	 * @param props the props, seen by the guest as {@code ctx.props}
	 * @param limits the limits of each call of the entrypoint
	 * @return the entrypoint
	 */
	default Entrypoint getEntrypoint(String name, Map<String, ?> props, WorkerLimits limits) {
		throw new UnsupportedOperationException("This worker does not take per-call limits");
	}

	/**
	 * Returns the default export as a typed proxy. Every abstract method of the interface
	 * calls the guest method of the same name; it may declare at most one parameter (the
	 * {@code param}); a {@link java.util.concurrent.CompletionStage} return type makes
	 * the call asynchronous; the result is converted to the declared return type.
	 * @param <T> the interface type
	 * @param type the interface
	 * @return a proxy calling the worker
	 */
	default <T> T getEntrypoint(Class<T> type) {
		return getEntrypoint(Entrypoint.DEFAULT, type);
	}

	/**
	 * Returns a named export as a typed proxy, see {@link #getEntrypoint(Class)}.
	 * @param <T> the interface type
	 * @param name the export name
	 * @param type the interface
	 * @return a proxy calling the worker
	 */
	<T> T getEntrypoint(String name, Class<T> type);

	/**
	 * Returns whether the worker has been closed, evicted or stopped by a quota.
	 * @return whether the worker is closed
	 */
	boolean isClosed();

	/**
	 * Closes the sandbox. Idempotent; a running call is stopped.
	 */
	@Override
	void close();

}
