package dev.workerloader.sandbox;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import dev.workerloader.Entrypoint;
import dev.workerloader.Invocation;
import dev.workerloader.WorkerClosedException;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerRequest;
import dev.workerloader.WorkerResponse;
import dev.workerloader.policy.WorkerLimits;
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

	/** Lower limits for each call, if any (issue 19). */
	private final @Nullable WorkerLimits limits;

	SandboxEntrypoint(SandboxWorker worker, String exportName, String propsJson, @Nullable WorkerLimits limits) {
		this.worker = worker;
		this.exportName = exportName;
		this.propsJson = propsJson;
		this.limits = limits;
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
		return this.worker.invokeAsync(this.exportName, method, param, this.propsJson, "call", this.limits);
	}

	@Override
	public WorkerResponse fetch(WorkerRequest request) {
		try {
			return fetchAsync(request).get();
		}
		catch (ExecutionException ex) {
			throw this.worker.unwrap(new CompletionException(ex.getCause()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new WorkerClosedException(this.worker.id(),
					"The fetch of worker '" + this.worker.id() + "' was interrupted while waiting for it to finish");
		}
	}

	@Override
	public CompletableFuture<WorkerResponse> fetchAsync(WorkerRequest request) {
		java.util.Objects.requireNonNull(request, "'request' must not be null");
		List<List<String>> headers = new ArrayList<>();
		request.headers().forEach((name, values) -> values.forEach((value) -> headers.add(List.of(name, value))));
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("method", request.method());
		data.put("url", request.url());
		data.put("headers", headers);
		byte[] body = request.body();
		data.put("body", (body != null) ? Base64.getEncoder().encodeToString(body) : null);
		return this.worker.invokeAsync(this.exportName, "fetch", data, this.propsJson, "fetch", this.limits)
			.thenApply((invocation) -> toResponse(invocation.value()));
	}

	@SuppressWarnings("unchecked")
	private WorkerResponse toResponse(@Nullable Object value) {
		if (!(value instanceof Map<?, ?> map)) {
			throw new WorkerException(this.worker.id(), "TypeError", "The fetch() handler returned no Response", "");
		}
		Map<String, List<String>> headers = new LinkedHashMap<>();
		Object pairs = map.get("headers");
		if (pairs instanceof List<?> list) {
			for (Object pair : list) {
				List<Object> entry = (List<Object>) pair;
				headers.computeIfAbsent(String.valueOf(entry.get(0)), (k) -> new ArrayList<>())
					.add(String.valueOf(entry.get(1)));
			}
		}
		int status = ((Number) map.get("status")).intValue();
		Object statusText = map.get("statusText");
		byte[] body = Base64.getDecoder().decode(String.valueOf(map.get("body")));
		return new WorkerResponse(status, (statusText != null) ? statusText.toString() : "", headers, body);
	}

	@Override
	public String toString() {
		return "Entrypoint[" + this.worker.id() + "#" + this.exportName + "]";
	}

}
