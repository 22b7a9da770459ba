package dev.workerloader.sandbox;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import dev.workerloader.Entrypoint;
import dev.workerloader.Invocation;
import dev.workerloader.WorkerClosedException;
import org.jspecify.annotations.Nullable;

/**
 * An export of a worker's main module. Calls are queued on the worker and run on its
 * sandbox thread.
 *
 * @author Worker Loader team
 */
final class SandboxEntrypoint implements Entrypoint {

	private final SandboxWorker worker;

	private final String exportName;

	private final String propsJson;

	SandboxEntrypoint(SandboxWorker worker, String exportName, String propsJson) {
		this.worker = worker;
		this.exportName = exportName;
		this.propsJson = propsJson;
	}

	@Override
	public Invocation invoke(String method, @Nullable Object param) {
		try {
			// Interruptible: a binding that calls another worker waits here on a sandbox
			// thread, and a kill of its own worker interrupts that wait (issue 8); join()
			// would ignore it and deadlock on a cycle of workers calling each other.
			return invokeAsync(method, param).get();
		}
		catch (ExecutionException ex) {
			throw this.worker.unwrap(new CompletionException(ex.getCause()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new WorkerClosedException(this.worker.id(), "The call to worker '" + this.worker.id() + "' method '"
					+ method + "' was interrupted while waiting for it to finish");
		}
	}

	@Override
	public CompletableFuture<Invocation> invokeAsync(String method, @Nullable Object param) {
		java.util.Objects.requireNonNull(method, "'method' must not be null");
		return this.worker.invokeAsync(this.exportName, method, param, this.propsJson);
	}

	@Override
	public String toString() {
		return "Entrypoint[" + this.worker.id() + "#" + this.exportName + "]";
	}

}
