package dev.workerloader.binding;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.workerloader.WorkerBinding;
import dev.workerloader.WorkerMethod;
import org.jspecify.annotations.Nullable;

/**
 * A host object with the exact set of methods a guest may call on it. Built once per
 * binding; immutable and thread-safe. The allowlist is the methods of the exposed
 * interface, or the public methods annotated {@link WorkerMethod}; methods of
 * {@link Object} are never exposed.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class ExposedBinding {

	private final String name;

	private final Object target;

	private final Class<?> exposedType;

	private final Map<String, Method> methods;

	private final @Nullable Relay relay;

	private final Set<String> relayedMethods;

	private ExposedBinding(String name, Object target, Class<?> exposedType, Map<String, Method> methods) {
		this.name = name;
		this.target = target;
		this.exposedType = exposedType;
		this.methods = Collections.unmodifiableMap(methods);
		this.relay = null;
		this.relayedMethods = Set.of();
	}

	private ExposedBinding(String name, Set<String> methodNames, Relay relay) {
		this.name = name;
		this.target = relay;
		this.exposedType = Relay.class;
		this.methods = Map.of();
		this.relay = relay;
		this.relayedMethods = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(methodNames));
	}

	/**
	 * Returns a binding whose calls are relayed elsewhere as JSON, such as from a worker
	 * host process to the application that holds the real object (issue 16). The relay
	 * receives the method name and the arguments as a JSON array and answers with the
	 * tagged reply the guest stub expects ({@code R} + JSON, {@code E} or {@code D} + a
	 * safe message).
	 * @param name the binding name
	 * @param methodNames the methods the guest may call
	 * @param relay where calls go
	 * @return the relayed binding
	 */
	public static ExposedBinding relayed(String name, Set<String> methodNames, Relay relay) {
		Objects.requireNonNull(name, "'name' must not be null");
		Objects.requireNonNull(relay, "'relay' must not be null");
		return new ExposedBinding(name, methodNames, relay);
	}

	/**
	 * Describes {@code target} as the binding {@code name}.
	 * @param name the binding name
	 * @param target the object
	 * @param exposedAs the interface whose methods are exposed, or {@code null} to use
	 * {@link WorkerBinding#exposedAs()} or the methods annotated {@link WorkerMethod}
	 * @return the binding
	 * @throws IllegalArgumentException if nothing would be callable, or a method name is
	 * overloaded
	 */
	public static ExposedBinding of(String name, Object target, @Nullable Class<?> exposedAs) {
		Objects.requireNonNull(name, "'name' must not be null");
		Objects.requireNonNull(target, "'target' must not be null");
		Class<?> type = exposedAs;
		if (type == null || type == void.class) {
			WorkerBinding annotation = findAnnotation(target.getClass());
			type = (annotation != null && annotation.exposedAs() != void.class) ? annotation.exposedAs() : null;
		}
		Map<String, Method> methods = new LinkedHashMap<>();
		if (type != null) {
			if (!type.isInterface()) {
				throw new IllegalArgumentException("Binding '" + name + "' is exposed as '" + type.getName()
						+ "', which is not an interface: name an interface in exposedAs");
			}
			if (!type.isInstance(target)) {
				throw new IllegalArgumentException("Binding '" + name + "' is exposed as '" + type.getName()
						+ "', but its object does not implement it");
			}
			for (Method method : sorted(type.getMethods())) {
				if (!Modifier.isStatic(method.getModifiers()) && method.getDeclaringClass() != Object.class) {
					put(name, methods, method);
				}
			}
		}
		else {
			type = userClass(target.getClass());
			for (Method method : sorted(type.getMethods())) {
				if (method.isAnnotationPresent(WorkerMethod.class) && !Modifier.isStatic(method.getModifiers())) {
					put(name, methods, method);
				}
			}
		}
		if (methods.isEmpty()) {
			throw new IllegalArgumentException(
					"Binding '" + name + "' exposes no methods: set exposedAs to an interface"
							+ " or annotate public methods of '" + type.getName() + "' with @WorkerMethod");
		}
		for (Method method : methods.values()) {
			method.trySetAccessible();
		}
		return new ExposedBinding(name, target, type, methods);
	}

	private static @Nullable WorkerBinding findAnnotation(Class<?> type) {
		for (Class<?> current = type; current != null && current != Object.class; current = current.getSuperclass()) {
			WorkerBinding annotation = current.getAnnotation(WorkerBinding.class);
			if (annotation != null) {
				return annotation;
			}
		}
		return null;
	}

	private static Class<?> userClass(Class<?> type) {
		// CGLIB proxies (Spring @Configuration, AOP) keep the user's annotations on the
		// superclass.
		if (type.getName().contains("$$") && type.getSuperclass() != null && type.getSuperclass() != Object.class) {
			return type.getSuperclass();
		}
		return type;
	}

	private static List<Method> sorted(Method[] methods) {
		List<Method> list = new ArrayList<>(Arrays.asList(methods));
		list.sort(Comparator.comparing(Method::getName).thenComparing(Method::getParameterCount));
		return list;
	}

	private static void put(String name, Map<String, Method> methods, Method method) {
		Method previous = methods.get(method.getName());
		if (previous != null && !sameSignature(previous, method)) {
			throw new IllegalArgumentException("Binding '" + name + "' exposes method '" + method.getName()
					+ "' more than once: overloaded methods cannot be called from JavaScript; give them distinct names");
		}
		if (previous == null) {
			methods.put(method.getName(), method);
		}
	}

	private static boolean sameSignature(Method a, Method b) {
		return Arrays.equals(a.getParameterTypes(), b.getParameterTypes());
	}

	/**
	 * Returns the binding name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Returns the object whose methods are called.
	 * @return the target
	 */
	public Object target() {
		return this.target;
	}

	/**
	 * Returns the interface or class the exposed methods were taken from.
	 * @return the exposed type
	 */
	public Class<?> exposedType() {
		return this.exposedType;
	}

	/**
	 * Returns the callable methods by name.
	 * @return the methods
	 */
	public Map<String, Method> methods() {
		return this.methods;
	}

	/**
	 * Returns the names of the callable methods.
	 * @return the method names
	 */
	public Set<String> methodNames() {
		return (this.relay != null) ? this.relayedMethods : this.methods.keySet();
	}

	/**
	 * Returns where calls go when this binding is {@link #relayed relayed}.
	 * @return the relay, or {@code null} for a binding called in this JVM
	 */
	public @Nullable Relay relay() {
		return this.relay;
	}

	/**
	 * Carries a guest's binding call elsewhere as JSON (issue 16).
	 */
	@FunctionalInterface
	public interface Relay {

		/**
		 * Calls a method and returns the tagged reply.
		 * @param method the method name
		 * @param argsJson the arguments, a JSON array
		 * @return {@code R} + the JSON result, or {@code E}/{@code D} + a safe message
		 */
		String call(String method, String argsJson);

	}

	@Override
	public String toString() {
		return "ExposedBinding[" + this.name + " " + this.methods.keySet() + "]";
	}

}
