package dev.workerloader;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * An export of a worker's main module whose methods can be called from Java. The guest
 * method is called as {@code method(param, env, ctx)}, as in Cloudflare Workers; a
 * returned Promise is awaited.
 * <p>
 * {@code param} is deep-copied into the sandbox as JSON-like data (null, booleans,
 * numbers, strings, lists, maps; records and POJOs through Jackson): the guest never sees
 * a Java object and its mutations never reach the caller. Results come back as plain Java
 * values: {@code null}, {@link Boolean}, {@link Number}, {@link String},
 * {@link java.util.List} or {@link java.util.Map}.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public interface Entrypoint {

	/**
	 * The name of the default export.
	 */
	String DEFAULT = "default";

	/**
	 * Calls a method without a parameter and waits for its result.
	 * @param method the method name
	 * @return the result as a plain Java value
	 * @throws WorkerException if the guest throws, a quota is exceeded or the worker is
	 * closed
	 */
	default @Nullable Object call(String method) {
		return invoke(method, null).value();
	}

	/**
	 * Calls a method and waits for its result.
	 * @param method the method name
	 * @param param the parameter, deep-copied into the sandbox
	 * @return the result as a plain Java value
	 * @throws WorkerException if the guest throws, a quota is exceeded or the worker is
	 * closed
	 */
	default @Nullable Object call(String method, @Nullable Object param) {
		return invoke(method, param).value();
	}

	/**
	 * Calls a method without waiting; the future completes with the result or a
	 * {@link WorkerException}.
	 * @param method the method name
	 * @param param the parameter, deep-copied into the sandbox
	 * @return the future result
	 */
	default CompletableFuture<@Nullable Object> callAsync(String method, @Nullable Object param) {
		return invokeAsync(method, param).thenApply(Invocation::value);
	}

	/**
	 * Calls a method without a parameter and returns the whole invocation.
	 * @param method the method name
	 * @return the invocation with its value, logs and costs
	 */
	default Invocation invoke(String method) {
		return invoke(method, null);
	}

	/**
	 * Calls a method and returns the whole invocation: value, logs and costs.
	 * @param method the method name
	 * @param param the parameter, deep-copied into the sandbox
	 * @return the invocation
	 * @throws WorkerException if the guest throws, a quota is exceeded or the worker is
	 * closed
	 */
	Invocation invoke(String method, @Nullable Object param);

	/**
	 * Calls a method without waiting and returns the future invocation.
	 * @param method the method name
	 * @param param the parameter, deep-copied into the sandbox
	 * @return the future invocation, completed exceptionally with a
	 * {@link WorkerException}
	 */
	CompletableFuture<Invocation> invokeAsync(String method, @Nullable Object param);

	/**
	 * Calls the export's {@code fetch(request, env, ctx)} handler with an HTTP request,
	 * as Cloudflare does, and waits for its {@code Response} (issue 19).
	 * @param request the request, arriving in the guest as a standard {@code Request}
	 * @return the response
	 * @throws WorkerException if the handler throws or returns no {@code Response}, a
	 * quota is exceeded or the worker is closed
	 */
	default WorkerResponse fetch(WorkerRequest request) {
		throw new UnsupportedOperationException("This entrypoint cannot serve fetch()");
	}

	/**
	 * Calls the export's {@code fetch} handler without waiting.
	 * @param request the request
	 * @return the future response, completed exceptionally with a {@link WorkerException}
	 */
	default CompletableFuture<WorkerResponse> fetchAsync(WorkerRequest request) {
		return CompletableFuture
			.failedFuture(new UnsupportedOperationException("This entrypoint cannot serve fetch()"));
	}

}
