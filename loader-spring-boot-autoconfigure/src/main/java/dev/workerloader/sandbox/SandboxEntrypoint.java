package dev.workerloader.sandbox;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.workerloader.Entrypoint;
import dev.workerloader.Invocation;
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
			return invokeAsync(method, param).join();
		}
		catch (CompletionException ex) {
			throw this.worker.unwrap(ex);
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
