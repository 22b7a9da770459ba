package dev.workerloader.codemode;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import dev.workerloader.binding.BindingProvider;
import dev.workerloader.binding.ExposedBinding;
import dev.workerloader.policy.WorkerPolicy;
import org.jspecify.annotations.Nullable;

/**
 * Renders the API a worker of a policy may call as a compact TypeScript declaration file:
 * every granted binding as an interface derived from its Java methods (parameter names,
 * records and enums as types, {@code Promise<...>} for async methods, Javadoc as comments
 * when the {@code loader-doc-processor} annotation processor recorded it), the
 * {@code env} object, whether {@code fetch} exists, and the entrypoint the agent must
 * export. Language models write better code against this than against tool schemas.
 * Thread-safe.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class TypeScriptDeclarations {

	/**
	 * Where {@code loader-doc-processor} writes the recorded Javadoc (its contract with
	 * us).
	 */
	static final String DOCS_LOCATION = "META-INF/worker-loader/docs/";

	private static final String ENTRY_METHOD = "run";

	private final BindingProvider bindings;

	private final Map<Class<?>, Properties> docs = new ConcurrentHashMap<>();

	/**
	 * Creates a renderer over the bindings a loader can grant.
	 * @param bindings the binding provider
	 */
	public TypeScriptDeclarations(BindingProvider bindings) {
		this.bindings = Objects.requireNonNull(bindings, "'bindings' must not be null");
	}

	/**
	 * Renders the declarations for a worker of the given policy.
	 * @param policy the policy
	 * @return the {@code .d.ts} text
	 */
	public String render(WorkerPolicy policy) {
		Objects.requireNonNull(policy, "'policy' must not be null");
		Context context = new Context();
		StringBuilder out = new StringBuilder();
		out.append("// The API of a worker under policy '").append(policy.name()).append("'.\n");
		Map<String, String> envEntries = new LinkedHashMap<>();
		for (String name : new TreeSet<>(policy.bindings())) {
			ExposedBinding binding = this.bindings.find(name);
			if (binding == null) {
				continue;
			}
			String typeName = context.interfaceName(binding.exposedType());
			StringBuilder body = new StringBuilder();
			comment(body, doc(binding.exposedType(), ""), "");
			body.append("interface ").append(typeName).append(" {\n");
			for (Method method : binding.methods().values()) {
				comment(body, doc(method.getDeclaringClass(), method.getName()), "  ");
				body.append("  ").append(method.getName()).append('(');
				String[] names = parameterNames(method);
				Type[] types = method.getGenericParameterTypes();
				for (int i = 0; i < types.length; i++) {
					body.append(i > 0 ? ", " : "").append(names[i]).append(": ").append(context.type(types[i]));
				}
				body.append("): ").append(returnType(context, method.getGenericReturnType())).append(";\n");
			}
			body.append("}\n");
			context.declarations.put(typeName, body.toString());
			envEntries.put(name, typeName);
		}
		context.drain();
		context.declarations.values().forEach(out::append);
		out.append("interface Env {\n");
		envEntries.forEach((name, type) -> out.append("  ").append(name).append(": ").append(type).append(";\n"));
		java.util.Set<String> strings = new TreeSet<>(policy.vars().keySet());
		// A secret reads like a var (issue 12); only its way out differs.
		strings.addAll(policy.secrets().keySet());
		for (String var : strings) {
			out.append("  readonly ").append(var).append(": string;\n");
		}
		out.append("}\n");
		if (policy.allowedHosts().isEmpty() && policy.outboundHandler() == null) {
			out.append("// No network: fetch() rejects. Use the bindings in env.\n");
		}
		else {
			out.append("// fetch(url, init) reaches only: ")
				.append(String.join(", ", policy.allowedHosts()))
				.append(policy.outboundHandler() != null ? " (through the host's outbound handler)" : "")
				.append('\n');
			out.append(
					"declare function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;\n");
		}
		out.append(GLOBALS);
		out.append("// Export exactly this; return JSON-like data.\n");
		out.append("export default interface Agent {\n  ")
			.append(ENTRY_METHOD)
			.append("(param: unknown, env: Env, ctx: { props: Record<string, unknown> }): Promise<unknown>;\n}\n");
		return out.toString();
	}

	/**
	 * The web-standard globals every worker has (issue 19), in one comment: the lib types
	 * of TypeScript's DOM and Web Worker libraries describe them, so naming them costs a
	 * model few tokens. Kept true by {@code docs/runtime.md} and its tests.
	 */
	static final String GLOBALS = "// Globals as on Cloudflare Workers (standard web APIs): setTimeout, setInterval,"
			+ " clearTimeout, clearInterval, queueMicrotask (timers end with the call), URL, URLSearchParams,"
			+ " TextEncoder, TextDecoder, atob, btoa, structuredClone, crypto.getRandomValues, crypto.randomUUID,"
			+ " crypto.subtle.digest (SHA-1/256/384/512), crypto.subtle.importKey/sign/verify (HMAC), Request,"
			+ " Response, Headers, Blob, File, FormData, AbortController, AbortSignal (timeout, any), EventTarget,"
			+ " Event, CustomEvent, DOMException, ReadableStream, WritableStream, TransformStream,"
			+ " TextEncoderStream, TextDecoderStream, CompressionStream, DecompressionStream (gzip, deflate,"
			+ " deflate-raw), performance.now(), console. Date and Intl use UTC.\n";

	/**
	 * Renders the same API as JSON-schema tool definitions, one tool per binding method,
	 * the way tool-calling APIs describe it. For comparing sizes with {@link #render}.
	 * @param policy the policy
	 * @return the tool definitions as JSON text
	 */
	public String renderJsonSchemaTools(WorkerPolicy policy) {
		StringBuilder out = new StringBuilder("[");
		Context context = new Context();
		for (String name : new TreeSet<>(policy.bindings())) {
			ExposedBinding binding = this.bindings.find(name);
			if (binding == null) {
				continue;
			}
			for (Method method : binding.methods().values()) {
				if (out.length() > 1) {
					out.append(",");
				}
				String description = Optional.ofNullable(doc(method.getDeclaringClass(), method.getName()))
					.orElse(method.getName());
				out.append("{\"type\":\"function\",\"function\":{\"name\":\"")
					.append(name)
					.append('_')
					.append(method.getName())
					.append("\",\"description\":\"")
					.append(escape(description))
					.append("\",\"parameters\":{\"type\":\"object\",\"properties\":{");
				String[] names = parameterNames(method);
				Type[] types = method.getGenericParameterTypes();
				for (int i = 0; i < types.length; i++) {
					out.append(i > 0 ? "," : "")
						.append('"')
						.append(names[i])
						.append("\":")
						.append(context.schema(types[i], 0));
				}
				out.append("},\"required\":[");
				for (int i = 0; i < types.length; i++) {
					out.append(i > 0 ? "," : "").append('"').append(names[i]).append('"');
				}
				out.append("]}}}");
			}
		}
		return out.append("]").toString();
	}

	private static String escape(String text) {
		return text.replace("\\", "\\\\").replace("\"", "\\\"");
	}

	private static String returnType(Context context, Type type) {
		if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> raw
				&& CompletionStage.class.isAssignableFrom(raw)) {
			return "Promise<" + context.type(parameterized.getActualTypeArguments()[0]) + ">";
		}
		if (type instanceof Class<?> raw && CompletionStage.class.isAssignableFrom(raw)) {
			return "Promise<unknown>";
		}
		return context.type(type);
	}

	private String[] parameterNames(Method method) {
		String[] names = new String[method.getParameterCount()];
		String recorded = docs(method.getDeclaringClass()).getProperty(method.getName() + ".parameters");
		String[] fromDocs = (recorded != null && !recorded.isEmpty()) ? recorded.split(",") : new String[0];
		for (int i = 0; i < names.length; i++) {
			var parameter = method.getParameters()[i];
			names[i] = parameter.isNamePresent() ? parameter.getName()
					: (fromDocs.length == names.length) ? fromDocs[i] : parameter.getName();
		}
		return names;
	}

	private @Nullable String doc(Class<?> type, String key) {
		return docs(type).getProperty(key);
	}

	private Properties docs(Class<?> type) {
		return this.docs.computeIfAbsent(type, (key) -> {
			Properties properties = new Properties();
			ClassLoader loader = (key.getClassLoader() != null) ? key.getClassLoader()
					: ClassLoader.getSystemClassLoader();
			try (InputStream in = loader.getResourceAsStream(DOCS_LOCATION + key.getName() + ".properties")) {
				if (in != null) {
					properties.load(in);
				}
			}
			catch (IOException ex) {
				// no recorded docs: render without comments
			}
			return properties;
		});
	}

	private static void comment(StringBuilder out, @Nullable String text, String indent) {
		if (text != null && !text.isBlank()) {
			out.append(indent).append("/** ").append(text.replace("*/", "* /")).append(" */\n");
		}
	}

	/**
	 * The named types one rendering declares.
	 */
	private final class Context {

		final Map<String, String> declarations = new LinkedHashMap<>();

		private final Map<Class<?>, String> names = new LinkedHashMap<>();

		private final List<Class<?>> pending = new ArrayList<>();

		String interfaceName(Class<?> type) {
			return this.names.computeIfAbsent(type, (key) -> uniqueName(key.getSimpleName()));
		}

		private String uniqueName(String simple) {
			String name = simple.isEmpty() ? "Anonymous" : simple;
			int suffix = 2;
			while (this.names.containsValue(name)) {
				name = simple + suffix++;
			}
			return name;
		}

		String type(Type type) {
			if (type instanceof Class<?> raw) {
				return classType(raw);
			}
			if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> raw) {
				Type[] arguments = parameterized.getActualTypeArguments();
				if (Collection.class.isAssignableFrom(raw)) {
					return array(type(arguments[0]));
				}
				if (Map.class.isAssignableFrom(raw)) {
					return "Record<string, " + type(arguments[1]) + ">";
				}
				if (Optional.class == raw) {
					return type(arguments[0]) + " | null";
				}
				if (CompletionStage.class.isAssignableFrom(raw)) {
					return "Promise<" + type(arguments[0]) + ">";
				}
				return classType(raw);
			}
			if (type instanceof GenericArrayType array) {
				return array(type(array.getGenericComponentType()));
			}
			if (type instanceof WildcardType wildcard && wildcard.getUpperBounds().length == 1) {
				return type(wildcard.getUpperBounds()[0]);
			}
			if (type instanceof TypeVariable<?>) {
				return "unknown";
			}
			return "unknown";
		}

		private String array(String element) {
			return element.matches("[A-Za-z0-9_<>, ]+") ? element + "[]" : "Array<" + element + ">";
		}

		private String classType(Class<?> raw) {
			if (raw == void.class || raw == Void.class) {
				return "void";
			}
			if (raw == String.class || raw == char.class || raw == Character.class || raw == UUID.class
					|| Temporal.class.isAssignableFrom(raw) || raw == Date.class) {
				return "string";
			}
			if (raw == boolean.class || raw == Boolean.class) {
				return "boolean";
			}
			if (raw.isPrimitive() || Number.class.isAssignableFrom(raw) || raw == BigDecimal.class
					|| raw == BigInteger.class) {
				return "number";
			}
			if (raw.isArray()) {
				return array(classType(raw.getComponentType()));
			}
			if (Collection.class.isAssignableFrom(raw)) {
				return "unknown[]";
			}
			if (Map.class.isAssignableFrom(raw)) {
				return "Record<string, unknown>";
			}
			if (raw == Object.class || raw.getName().startsWith("java.")) {
				return "unknown";
			}
			if (raw.isEnum() || raw.isRecord() || !raw.isInterface()) {
				boolean known = this.names.containsKey(raw);
				String name = interfaceName(raw);
				if (!known) {
					this.pending.add(raw);
				}
				return name;
			}
			return "unknown";
		}

		void drain() {
			while (!this.pending.isEmpty()) {
				Class<?> type = this.pending.remove(0);
				this.declarations.put(this.names.get(type), declare(type));
			}
		}

		private String declare(Class<?> type) {
			StringBuilder body = new StringBuilder();
			comment(body, doc(type, ""), "");
			String name = this.names.get(type);
			if (type.isEnum()) {
				body.append("type ").append(name).append(" = ");
				Object[] constants = type.getEnumConstants();
				for (int i = 0; i < constants.length; i++) {
					body.append(i > 0 ? " | " : "").append('\'').append(((Enum<?>) constants[i]).name()).append('\'');
				}
				return body.append(";\n").toString();
			}
			body.append("interface ").append(name).append(" {");
			Map<String, Type> properties = properties(type);
			boolean inline = properties.size() <= 4
					&& properties.keySet().stream().noneMatch((p) -> doc(type, p) != null);
			body.append(inline ? " " : "\n");
			properties.forEach((property, propertyType) -> {
				if (!inline) {
					comment(body, doc(type, property), "  ");
					body.append("  ");
				}
				body.append(property).append(": ").append(type(propertyType)).append(';').append(inline ? " " : "\n");
			});
			return body.append("}\n").toString();
		}

		private Map<String, Type> properties(Class<?> type) {
			Map<String, Type> properties = new LinkedHashMap<>();
			if (type.isRecord()) {
				for (RecordComponent component : type.getRecordComponents()) {
					properties.put(component.getName(), component.getGenericType());
				}
				return properties;
			}
			for (Method method : type.getMethods()) {
				if (Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 0
						|| method.getDeclaringClass() == Object.class) {
					continue;
				}
				String name = method.getName();
				if (name.startsWith("get") && name.length() > 3) {
					properties.put(Character.toLowerCase(name.charAt(3)) + name.substring(4),
							method.getGenericReturnType());
				}
				else if (name.startsWith("is") && name.length() > 2 && method.getReturnType() == boolean.class) {
					properties.put(Character.toLowerCase(name.charAt(2)) + name.substring(3), boolean.class);
				}
			}
			return properties;
		}

		String schema(Type type, int depth) {
			String ts = type(type);
			if (depth > 3) {
				return "{}";
			}
			return switch (ts) {
				case "string" -> "{\"type\":\"string\"}";
				case "number" -> "{\"type\":\"number\"}";
				case "boolean" -> "{\"type\":\"boolean\"}";
				default -> schemaOf(type, depth);
			};
		}

		private String schemaOf(Type type, int depth) {
			if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> raw
					&& Collection.class.isAssignableFrom(raw)) {
				return "{\"type\":\"array\",\"items\":" + schema(parameterized.getActualTypeArguments()[0], depth + 1)
						+ "}";
			}
			if (type instanceof Class<?> raw && raw.isEnum()) {
				StringBuilder out = new StringBuilder("{\"type\":\"string\",\"enum\":[");
				Object[] constants = raw.getEnumConstants();
				for (int i = 0; i < constants.length; i++) {
					out.append(i > 0 ? "," : "").append('"').append(((Enum<?>) constants[i]).name()).append('"');
				}
				return out.append("]}").toString();
			}
			if (type instanceof Class<?> raw && (raw.isRecord() || !raw.isInterface())
					&& !raw.getName().startsWith("java.")) {
				StringBuilder out = new StringBuilder("{\"type\":\"object\",\"properties\":{");
				boolean first = true;
				for (Map.Entry<String, Type> property : properties(raw).entrySet()) {
					out.append(first ? "" : ",")
						.append('"')
						.append(property.getKey())
						.append("\":")
						.append(schema(property.getValue(), depth + 1));
					first = false;
				}
				return out.append("}}").toString();
			}
			return "{}";
		}

	}

}
