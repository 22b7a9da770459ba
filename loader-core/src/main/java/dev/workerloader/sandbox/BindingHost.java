package dev.workerloader.sandbox;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

import dev.workerloader.binding.ExposedBinding;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The one host function a worker's binding stubs call:
 * {@code (binding, method, argsJson)}. It calls the exposed Java method with deep-copied
 * arguments and replies with a tagged string ({@code R} + JSON, or {@code E} + a safe
 * message), or with a Promise of one for a method returning a {@link CompletionStage}.
 * Host exceptions are logged here and reach the guest without stack, class names or
 * details.
 *
 * @author Worker Loader team
 */
final class BindingHost implements ProxyExecutable {

	private static final Log logger = LogFactory.getLog(BindingHost.class);

	// Fully qualified class names (two package segments or more): not "env.KV".
	private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z_$][a-z0-9_$]*\\.){2,}[A-Z][A-Za-z0-9_$]*\\b");

	private final Map<String, ExposedBinding> bindings;

	private final ValueCodec codec;

	private @Nullable SandboxWorker worker;

	BindingHost(Map<String, ExposedBinding> bindings, ValueCodec codec) {
		this.bindings = Map.copyOf(bindings);
		this.codec = codec;
	}

	void attach(SandboxWorker worker) {
		this.worker = worker;
	}

	String bindingsJson() {
		Map<String, Object> methods = new java.util.LinkedHashMap<>();
		this.bindings.forEach((name, binding) -> methods.put(name, binding.methodNames()));
		return this.codec.toJson(methods);
	}

	@Override
	public @Nullable Object execute(Value... arguments) {
		String name = arguments[0].asString();
		String methodName = arguments[1].asString();
		String label = "env." + name + "." + methodName;
		ExposedBinding binding = this.bindings.get(name);
		Method method = (binding != null) ? binding.methods().get(methodName) : null;
		if (binding == null || method == null) {
			return "E" + label + " is not a callable method";
		}
		String argsJson = arguments[2].asString();
		SandboxWorker owner = this.worker;
		if (owner != null && argsJson.length() > owner.limits().output()) {
			// Arguments leave the sandbox like a result: the same cap (issue 13).
			return "E" + label + " was called with " + argsJson.length() + " characters of arguments, over the "
					+ owner.limits().output() + " of policy '" + owner.policy() + "'. Pass less data, or raise "
					+ QuotaProperties.propertyFor(owner.policy(), dev.workerloader.QuotaKind.OUTPUT) + ".";
		}
		Object[] args;
		try {
			args = arguments(label, method, this.codec.readTree(argsJson));
		}
		catch (IllegalArgumentException | JacksonException ex) {
			return "E" + label + ": " + safeConversionMessage(ex);
		}
		Object result;
		try {
			result = method.invoke(binding.target(), args);
		}
		catch (InvocationTargetException ex) {
			return "E" + failure(label, ex.getCause());
		}
		catch (IllegalAccessException | RuntimeException ex) {
			return "E" + failure(label, ex);
		}
		if (result instanceof CompletionStage<?> stage) {
			return promise(label, stage);
		}
		return reply(label, result);
	}

	private Object promise(String label, CompletionStage<?> stage) {
		SandboxWorker owner = this.worker;
		if (owner == null) {
			return "E" + label + " is not available";
		}
		Value deferred = owner.runtime().invokeMember("deferred");
		Value promise = deferred.getArrayElement(0);
		Value resolve = deferred.getArrayElement(1);
		owner.hostCallStarted();
		stage.whenComplete((value, error) -> {
			String reply = (error != null) ? "E" + failure(label, unwrap(error)) : reply(label, value);
			owner.post(() -> resolve.execute(reply));
			owner.hostCallFinished();
		});
		return promise;
	}

	private static Throwable unwrap(Throwable error) {
		Throwable current = error;
		while ((current instanceof java.util.concurrent.CompletionException
				|| current instanceof java.util.concurrent.ExecutionException) && current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	private String reply(String label, @Nullable Object value) {
		try {
			return (value != null) ? "R" + this.codec.toJson(value) : "R";
		}
		catch (JacksonException ex) {
			return "E" + failure(label, ex);
		}
	}

	private @Nullable Object[] arguments(String label, Method method, JsonNode args) {
		Type[] types = method.getGenericParameterTypes();
		Class<?>[] classes = method.getParameterTypes();
		if (!args.isArray()) {
			throw new IllegalArgumentException("arguments must be an array");
		}
		if (args.size() > types.length) {
			throw new IllegalArgumentException(
					"takes " + types.length + " argument(s), but " + args.size() + " were given");
		}
		Object[] result = new Object[types.length];
		for (int i = 0; i < types.length; i++) {
			JsonNode node = (i < args.size()) ? args.get(i) : null;
			if (node == null || node.isNull()) {
				if (classes[i].isPrimitive()) {
					throw new IllegalArgumentException(
							"argument " + (i + 1) + " ('" + method.getParameters()[i].getName() + "') is required");
				}
				result[i] = null;
				continue;
			}
			try {
				result[i] = this.codec.convert(node, types[i]);
			}
			catch (JacksonException | IllegalArgumentException ex) {
				throw new IllegalArgumentException("argument " + (i + 1) + " ('" + method.getParameters()[i].getName()
						+ "') is not a valid " + classes[i].getSimpleName());
			}
		}
		return result;
	}

	private static String safeConversionMessage(Exception ex) {
		String message = (ex instanceof IllegalArgumentException) ? ex.getMessage() : "invalid arguments";
		return (message != null) ? CLASS_NAME.matcher(message).replaceAll("?") : "invalid arguments";
	}

	/**
	 * Logs a host failure with its stack and returns what the guest may see: the message
	 * of an {@link IllegalArgumentException} or {@link IllegalStateException} (validation
	 * the application meant to report), without class names, or a reference to the host
	 * log.
	 */
	private String failure(String label, Throwable ex) {
		String reference = UUID.randomUUID().toString().substring(0, 8);
		SandboxWorker owner = this.worker;
		String workerId = (owner != null) ? owner.id() : "?";
		if ((ex instanceof IllegalArgumentException || ex instanceof IllegalStateException)
				&& ex.getMessage() != null) {
			// A refusal the application meant for the guest (validation, a KV limit): no
			// stack trace at WARN for what is an ordinary answer.
			if (logger.isDebugEnabled()) {
				logger.debug("Binding call " + label + " of worker '" + workerId + "' was refused", ex);
			}
			String message = CLASS_NAME.matcher(ex.getMessage()).replaceAll("?");
			if (message.length() > 300) {
				message = message.substring(0, 300) + "...";
			}
			return label + " failed: " + message;
		}
		logger.warn("Binding call " + label + " of worker '" + workerId + "' failed (reference " + reference + ")", ex);
		return label + " failed on the host (reference " + reference + "; details are in the host log)";
	}

}
