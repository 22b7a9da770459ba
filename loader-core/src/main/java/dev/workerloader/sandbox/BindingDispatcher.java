package dev.workerloader.sandbox;

import java.time.Duration;
import java.util.Map;

import dev.workerloader.Entrypoint;
import dev.workerloader.binding.ExposedBinding;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls the bindings granted to a worker that runs in another process (a worker host,
 * issue 16) the way a sandbox in this JVM would: the same argument conversion, the same
 * safe replies, the same logging of host failures. Thread-safe; calls run on the thread
 * that dispatches them, so the caller's context applies, and an asynchronous binding is
 * awaited there, for at most the given wait.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class BindingDispatcher {

	private final BindingHost host;

	/**
	 * Creates a dispatcher over the granted bindings.
	 * @param bindings the bindings by name, already allowed by the worker's policy
	 * @param jsonMapper the mapper for arguments and results
	 */
	public BindingDispatcher(Map<String, ExposedBinding> bindings, JsonMapper jsonMapper) {
		this(bindings, jsonMapper, Duration.ofSeconds(30));
	}

	/**
	 * Creates a dispatcher over the granted bindings.
	 * @param bindings the bindings by name, already allowed by the worker's policy
	 * @param jsonMapper the mapper for arguments and results
	 * @param asyncWait how long a binding returning a {@code CompletionStage} may take
	 * before the guest is told it did not answer (the worker's wall-time limit)
	 */
	public BindingDispatcher(Map<String, ExposedBinding> bindings, JsonMapper jsonMapper, Duration asyncWait) {
		this.host = new BindingHost(bindings, new ValueCodec(jsonMapper));
		this.host.detachedWait(asyncWait);
	}

	/**
	 * Returns a typed view of an entrypoint, converting results as a worker in this JVM
	 * does ({@link dev.workerloader.Worker#getEntrypoint(String, Class)}).
	 * @param <T> the interface
	 * @param entrypoint the entrypoint
	 * @param type the interface whose methods match the guest's
	 * @param jsonMapper the mapper for results
	 * @return the typed entrypoint
	 */
	public static <T> T typed(Entrypoint entrypoint, Class<T> type, JsonMapper jsonMapper) {
		return TypedEntrypoint.create(entrypoint, type, new ValueCodec(jsonMapper));
	}

	/**
	 * Calls a method of a granted binding.
	 * @param binding the binding name
	 * @param method the method name
	 * @param argsJson the arguments, a JSON array
	 * @return {@code R} + the JSON result, or {@code E}/{@code D} + a safe message
	 */
	public String call(String binding, String method, String argsJson) {
		Object reply = this.host.call(binding, method, argsJson);
		return (reply instanceof String text) ? text : "E" + "env." + binding + "." + method + " is not available";
	}

}
