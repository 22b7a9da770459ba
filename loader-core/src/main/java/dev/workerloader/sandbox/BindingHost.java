package dev.workerloader.sandbox;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import dev.workerloader.WorkerListener;
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
 * message, or {@code D} + a message when the caller was denied), or with a Promise of one
 * for a method returning a {@link CompletionStage}. Host exceptions are logged here and
 * reach the guest without stack, class names or details.
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

	/** How long an asynchronous binding may take when no worker owns this host. */
	private java.time.Duration detachedWait = java.time.Duration.ofSeconds(30);

	BindingHost(Map<String, ExposedBinding> bindings, ValueCodec codec) {
		this.bindings = Map.copyOf(bindings);
		this.codec = codec;
	}

	void detachedWait(java.time.Duration wait) {
		this.detachedWait = wait;
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
		try {
			return call(arguments[0].asString(), arguments[1].asString(), arguments[2].asString());
		}
		catch (StackOverflowError ex) {
			// Deep guest recursion through a binding can run out of stack in host code:
			// the guest gets the RangeError it would get in JavaScript, never a host
			// exception with a Java class name.
			return "OMaximum call stack size exceeded";
		}
	}

	/**
	 * Calls a binding method: the reply string, or a Promise of one when a worker owns
	 * this host and the method is asynchronous (without an owner, the call waits).
	 */
	@Nullable Object call(String name, String methodName, String argsJson) {
		String label = "env." + name + "." + methodName;
		ExposedBinding binding = this.bindings.get(name);
		ExposedBinding.Relay relay = (binding != null) ? binding.relay() : null;
		Method method = (binding != null) ? binding.methods().get(methodName) : null;
		if (binding == null || (method == null && (relay == null || !binding.methodNames().contains(methodName)))) {
			return "E" + label + " is not a callable method";
		}
		SandboxWorker owner = this.worker;
		if (owner != null && argsJson.length() > owner.limits().output()) {
			// Arguments leave the sandbox like a result: the same cap (issue 13).
			return "E" + label + " was called with " + argsJson.length() + " characters of arguments, over the "
					+ owner.limits().output() + " of policy '" + owner.policy() + "'. Pass less data, or raise "
					+ QuotaProperties.propertyFor(owner.policy(), dev.workerloader.QuotaKind.OUTPUT) + ".";
		}
		if (relay != null) {
			// A worker host relays the call to the application (issue 16).
			String reply = relay.call(methodName, argsJson);
			if (owner != null && reply.startsWith("D")) {
				owner.accessDenied();
			}
			return reply;
		}
		Objects.requireNonNull(method, "method");
		Object[] args;
		try {
			args = arguments(label, method, this.codec.readTree(argsJson));
		}
		catch (IllegalArgumentException | JacksonException ex) {
			return "E" + label + ": " + safeConversionMessage(ex);
		}
		WorkerListener.HostCallScope scope = (owner != null) ? owner.listener()
			.hostCallStarted(new WorkerListener.HostCall(owner.id(), owner.policy(), WorkerListener.HostCall.BINDING,
					name, methodName))
				: WorkerListener.HostCallScope.NOOP;
		Object result = null;
		Throwable failed = null;
		try {
			// On the sandbox thread, inside the caller's context (issue 15): the bean's
			// security advice sees the caller's user, its observations nest under this
			// call's.
			result = method.invoke(binding.target(), args);
		}
		catch (InvocationTargetException ex) {
			failed = (ex.getCause() != null) ? ex.getCause() : ex;
		}
		catch (IllegalAccessException | RuntimeException ex) {
			failed = ex;
		}
		finally {
			scope.returned();
		}
		if (failed != null) {
			String reply = failedReply(label, failed);
			if (owner != null && reply.startsWith("D")) {
				owner.accessDenied();
			}
			return ended(scope, reply, category(failed));
		}
		if (result instanceof CompletionStage<?> stage) {
			return promise(label, stage, scope);
		}
		String reply = reply(label, result);
		return ended(scope, reply, reply.startsWith("E") ? "host_error" : null);
	}

	/**
	 * The reply to a failed call: {@code D} and a message when the caller was denied (the
	 * guest throws an {@code AccessDeniedError}), otherwise {@code E} and the safe
	 * message of {@link #failure(String, Throwable)}.
	 */
	private String failedReply(String label, Throwable ex) {
		if (!"denied".equals(category(ex))) {
			return "E" + failure(label, ex);
		}
		SandboxWorker owner = this.worker;
		String workerId = (owner != null) ? owner.id() : "?";
		if (logger.isDebugEnabled()) {
			logger.debug("Binding call " + label + " of worker '" + workerId + "' was denied for the caller", ex);
		}
		return "D" + label + " was denied for the caller of worker '" + workerId + "': the binding's security rules"
				+ " do not allow this user to call it. Call it on behalf of a user who may, or do without it.";
	}

	private static String ended(WorkerListener.HostCallScope scope, String reply, @Nullable String error) {
		scope.finished(error);
		return reply;
	}

	/** The category of a failed binding call, as host call observations record it. */
	private static String category(@Nullable Throwable ex) {
		if (isAccessDenied(ex)) {
			return "denied";
		}
		if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException) {
			return "refused";
		}
		return "host_error";
	}

	/**
	 * Whether the host refused the call for the caller: a {@link SecurityException}, or
	 * Spring Security's {@code AccessDeniedException} (and its subclasses), matched by
	 * name because loader-core does not depend on Spring.
	 */
	private static boolean isAccessDenied(@Nullable Throwable ex) {
		if (ex instanceof SecurityException) {
			return true;
		}
		for (Class<?> type = (ex != null) ? ex.getClass() : null; type != null; type = type.getSuperclass()) {
			if ("org.springframework.security.access.AccessDeniedException".equals(type.getName())) {
				return true;
			}
		}
		return false;
	}

	private Object promise(String label, CompletionStage<?> stage, WorkerListener.HostCallScope scope) {
		SandboxWorker owner = this.worker;
		if (owner == null) {
			// Called for a worker in another process (issue 16): wait here, on the
			// caller's thread.
			try {
				Object value = stage.toCompletableFuture().get(this.detachedWait.toNanos(), TimeUnit.NANOSECONDS);
				return ended(scope, reply(label, value), null);
			}
			catch (TimeoutException ex) {
				return ended(scope, "E" + label + " did not answer within " + this.detachedWait, "host_error");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return ended(scope, "E" + label + " was interrupted", "host_error");
			}
			catch (ExecutionException | RuntimeException ex) {
				Throwable cause = unwrap(ex);
				return ended(scope, failedReply(label, cause), category(cause));
			}
		}
		Value deferred = owner.runtime().invokeMember("deferred");
		Value promise = deferred.getArrayElement(0);
		Value resolve = deferred.getArrayElement(1);
		owner.hostCallStarted();
		stage.whenComplete((value, error) -> {
			String reply = (error != null) ? failedReply(label, unwrap(error)) : reply(label, value);
			scope.finished((error != null) ? category(unwrap(error)) : (reply.startsWith("E") ? "host_error" : null));
			owner.post(() -> {
				// On the sandbox thread, inside the invocation that awaits the reply.
				if (reply.startsWith("D")) {
					owner.accessDenied();
				}
				resolve.execute(reply);
			});
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
			String mismatch = scalarMismatch(node, classes[i]);
			if (mismatch != null) {
				// Issue 19: never a quiet conversion (add(100, 0.5) on an int is not
				// 100).
				throw new IllegalArgumentException(
						"argument " + (i + 1) + " ('" + method.getParameters()[i].getName() + "') must be " + mismatch);
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

	/**
	 * Describes why a JSON value cannot become a parameter of a scalar type without loss,
	 * or returns {@code null} when it can (or the type is not a scalar checked here).
	 */
	static @Nullable String scalarMismatch(JsonNode node, Class<?> type) {
		Class<?> boxed = box(type);
		if (boxed == Integer.class || boxed == Long.class || boxed == Short.class || boxed == Byte.class) {
			String name = type.isPrimitive() ? type.getName() : boxed.getSimpleName();
			String article = "an " + name;
			if (!node.isNumber()) {
				return article + ", but was " + jsType(node);
			}
			if (!node.isIntegralNumber() && node.doubleValue() != Math.rint(node.doubleValue())) {
				return article + ", but was a number with a fraction (" + clip(node.asString()) + ")";
			}
			long min = (boxed == Integer.class) ? Integer.MIN_VALUE : (boxed == Short.class) ? Short.MIN_VALUE
					: (boxed == Byte.class) ? Byte.MIN_VALUE : Long.MIN_VALUE;
			long max = (boxed == Integer.class) ? Integer.MAX_VALUE : (boxed == Short.class) ? Short.MAX_VALUE
					: (boxed == Byte.class) ? Byte.MAX_VALUE : Long.MAX_VALUE;
			java.math.BigDecimal value = node.decimalValue();
			if (value.compareTo(java.math.BigDecimal.valueOf(min)) < 0
					|| value.compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
				return article + ", but was a number out of its range (" + clip(node.asString()) + ")";
			}
			return null;
		}
		if (boxed == Double.class || boxed == Float.class) {
			return node.isNumber() ? null : "a " + (type.isPrimitive() ? type.getName() : boxed.getSimpleName())
					+ ", but was " + jsType(node);
		}
		if (boxed == Boolean.class) {
			return node.isBoolean() ? null : "a boolean, but was " + jsType(node);
		}
		return null;
	}

	private static Class<?> box(Class<?> type) {
		if (!type.isPrimitive()) {
			return type;
		}
		return switch (type.getName()) {
			case "int" -> Integer.class;
			case "long" -> Long.class;
			case "short" -> Short.class;
			case "byte" -> Byte.class;
			case "double" -> Double.class;
			case "float" -> Float.class;
			case "boolean" -> Boolean.class;
			default -> type;
		};
	}

	private static String jsType(JsonNode node) {
		if (node.isString()) {
			return "a string";
		}
		if (node.isBoolean()) {
			return "a boolean";
		}
		if (node.isArray()) {
			return "an array";
		}
		if (node.isObject()) {
			return "an object";
		}
		return "a number";
	}

	private static String clip(String text) {
		return (text.length() > 40) ? text.substring(0, 40) + "..." : text;
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
		// The guest may have passed a secret in, which the exception may repeat (issue
		// 12).
		Throwable logged = RedactedException.of(ex, (owner != null) ? owner.redactor() : Redactor.NONE);
		if ((ex instanceof IllegalArgumentException || ex instanceof IllegalStateException)
				&& ex.getMessage() != null) {
			// A refusal the application meant for the guest (validation, a KV limit): no
			// stack trace at WARN for what is an ordinary answer.
			if (logger.isDebugEnabled()) {
				logger.debug("Binding call " + label + " of worker '" + workerId + "' was refused", logged);
			}
			String message = CLASS_NAME.matcher(ex.getMessage()).replaceAll("?");
			if (message.length() > 300) {
				message = message.substring(0, 300) + "...";
			}
			return label + " failed: " + message;
		}
		logger.warn("Binding call " + label + " of worker '" + workerId + "' failed (reference " + reference + ")",
				logged);
		return label + " failed on the host (reference " + reference + "; details are in the host log)";
	}

}
