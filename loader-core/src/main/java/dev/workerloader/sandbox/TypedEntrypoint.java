package dev.workerloader.sandbox;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.workerloader.Entrypoint;
import org.jspecify.annotations.Nullable;

/**
 * A Java interface implemented by calls into a worker's export: each abstract method
 * calls the guest method of the same name with its single argument as {@code param}.
 *
 * @author Worker Loader team
 */
final class TypedEntrypoint implements InvocationHandler {

	private final Entrypoint entrypoint;

	private final Class<?> type;

	private final ValueCodec codec;

	private TypedEntrypoint(Entrypoint entrypoint, Class<?> type, ValueCodec codec) {
		this.entrypoint = entrypoint;
		this.type = type;
		this.codec = codec;
	}

	static <T> T create(Entrypoint entrypoint, Class<T> type, ValueCodec codec) {
		if (!type.isInterface()) {
			throw new IllegalArgumentException("'" + type.getName() + "' is not an interface: a typed entrypoint"
					+ " needs an interface whose methods match the guest's methods");
		}
		for (Method method : type.getMethods()) {
			if (Modifier.isAbstract(method.getModifiers()) && method.getParameterCount() > 1) {
				throw new IllegalArgumentException("Method '" + type.getSimpleName() + "." + method.getName()
						+ "' declares " + method.getParameterCount() + " parameters, but an entrypoint method takes one"
						+ " param (the guest receives (param, env, ctx)): pass a record or a map");
			}
		}
		Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
				new TypedEntrypoint(entrypoint, type, codec));
		return type.cast(proxy);
	}

	@Override
	public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args) throws Throwable {
		if (method.getDeclaringClass() == Object.class) {
			return switch (method.getName()) {
				case "equals" -> args != null && proxy == args[0];
				case "hashCode" -> System.identityHashCode(proxy);
				default -> "TypedEntrypoint[" + this.type.getSimpleName() + " -> " + this.entrypoint + "]";
			};
		}
		if (method.isDefault()) {
			return InvocationHandler.invokeDefault(proxy, method, args);
		}
		Object param = (args != null && args.length == 1) ? args[0] : null;
		Class<?> returnType = method.getReturnType();
		if (CompletionStage.class.isAssignableFrom(returnType)) {
			Type valueType = typeArgument(method.getGenericReturnType());
			CompletableFuture<@Nullable Object> result = this.entrypoint.callAsync(method.getName(), param)
				.thenApply((value) -> this.codec.convert(value, valueType));
			return result;
		}
		Object value = this.entrypoint.call(method.getName(), param);
		if (returnType == void.class) {
			return null;
		}
		Object converted = this.codec.convert(value, method.getGenericReturnType());
		if (converted == null && returnType.isPrimitive()) {
			throw new IllegalStateException("Guest method '" + method.getName() + "' returned nothing, but '"
					+ this.type.getSimpleName() + "." + method.getName() + "' returns " + returnType.getName());
		}
		return converted;
	}

	private static Type typeArgument(Type type) {
		if (type instanceof ParameterizedType parameterized) {
			return parameterized.getActualTypeArguments()[0];
		}
		return Object.class;
	}

}
