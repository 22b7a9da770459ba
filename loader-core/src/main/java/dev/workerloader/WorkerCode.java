package dev.workerloader;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import dev.workerloader.egress.OutboundHandler;
import dev.workerloader.policy.WorkerLimits;
import org.jspecify.annotations.Nullable;

/**
 * The code and capabilities of a worker: its modules, the main module, the {@code env} it
 * receives, its network access and the policy it runs under. Immutable; build one with
 * {@link #builder()} or {@link #of(String)}.
 *
 * <pre>{@code
 * WorkerCode code = WorkerCode.builder()
 *         .compatibilityDate("2026-03-01")
 *         .mainModule("agent.js")
 *         .module("agent.js", source)
 *         .jsonModule("config.json", json)
 *         .env("GREETING", "hello")
 *         .policy("default")
 *         .build();
 * }</pre>
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class WorkerCode {

	/**
	 * The policy a worker runs under when none is named.
	 */
	public static final String DEFAULT_POLICY = "default";

	/**
	 * The main module name {@link #of(String)} uses.
	 */
	public static final String DEFAULT_MAIN_MODULE = "agent.js";

	private static final Pattern MODULE_NAME = Pattern
		.compile("[A-Za-z0-9_@$-][A-Za-z0-9_.@$-]*(/[A-Za-z0-9_@$-][A-Za-z0-9_.@$-]*)*");

	private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

	private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

	private final @Nullable String name;

	private final @Nullable String compatibilityDate;

	private final String mainModule;

	private final Map<String, Module> modules;

	private final Map<String, @Nullable Object> env;

	private final @Nullable OutboundHandler globalOutbound;

	private final String policy;

	private final @Nullable String clientId;

	private final @Nullable WorkerLimits limits;

	private volatile @Nullable String sha256;

	private WorkerCode(Builder builder, String mainModule) {
		this.name = builder.name;
		this.compatibilityDate = builder.compatibilityDate;
		this.mainModule = mainModule;
		this.modules = Collections.unmodifiableMap(new LinkedHashMap<>(builder.modules));
		this.env = Collections.unmodifiableMap(new LinkedHashMap<>(builder.env));
		this.globalOutbound = builder.globalOutbound;
		this.policy = builder.policy;
		this.clientId = builder.clientId;
		this.limits = builder.limits;
	}

	/**
	 * Returns the limits the code asks for, if any: each one lowers the policy's (the
	 * lowest of policy, code and call wins), none can raise it (issue 19).
	 * @return the limits or {@code null}
	 */
	public @Nullable WorkerLimits limits() {
		return this.limits;
	}

	/**
	 * Returns a worker whose only module, {@code agent.js}, is the given ES module
	 * source.
	 * @param source the ES module source
	 * @return the code
	 */
	public static WorkerCode of(String source) {
		return builder().module(DEFAULT_MAIN_MODULE, source).build();
	}

	/**
	 * Returns a new builder.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns the name used as the id of a worker made by {@link WorkerLoader#load}.
	 * @return the name, or {@code null} for a generated id
	 */
	public @Nullable String name() {
		return this.name;
	}

	/**
	 * Returns the compatibility date ({@code yyyy-MM-dd}), if given.
	 * @return the compatibility date or {@code null}
	 */
	public @Nullable String compatibilityDate() {
		return this.compatibilityDate;
	}

	/**
	 * Returns the name of the module evaluated first; its exports are the entrypoints.
	 * @return the main module name
	 */
	public String mainModule() {
		return this.mainModule;
	}

	/**
	 * Returns the modules by name, in the order they were added.
	 * @return the modules
	 */
	public Map<String, Module> modules() {
		return this.modules;
	}

	/**
	 * Returns the {@code env} entries by name: JSON-like data, or {@link BindingRef}s.
	 * @return the env entries
	 */
	public Map<String, @Nullable Object> env() {
		return this.env;
	}

	/**
	 * Returns the handler for outbound requests, or {@code null} for no network access.
	 * @return the outbound handler or {@code null}
	 */
	public @Nullable OutboundHandler globalOutbound() {
		return this.globalOutbound;
	}

	/**
	 * Returns the name of the policy the worker runs under.
	 * @return the policy name
	 */
	public String policy() {
		return this.policy;
	}

	/**
	 * Returns the client the worker acts for (used for rate limits and audit), if given.
	 * @return the client id or {@code null}
	 */
	public @Nullable String clientId() {
		return this.clientId;
	}

	/**
	 * Returns the SHA-256 of the code: the main module name and every module's name, type
	 * and content. Identical code has the same hash; env, policy and names do not count.
	 * Every field is prefixed with its length and the module count comes first, so no two
	 * different codes hash alike by moving text between fields (a module holding NUL
	 * characters once hashed like two modules, issue 12). Computed once.
	 * @return the lower-case hexadecimal SHA-256
	 */
	public String sha256() {
		String hash = this.sha256;
		if (hash == null) {
			try {
				java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
				digest.update(java.nio.ByteBuffer.allocate(Integer.BYTES).putInt(this.modules.size()).array());
				update(digest, this.mainModule);
				for (Module module : this.modules.values()) {
					update(digest, module.name());
					update(digest, module.type().name());
					update(digest, module.content());
				}
				hash = java.util.HexFormat.of().formatHex(digest.digest());
			}
			catch (java.security.NoSuchAlgorithmException ex) {
				throw new IllegalStateException("SHA-256 is not available", ex);
			}
			this.sha256 = hash;
		}
		return hash;
	}

	private static void update(java.security.MessageDigest digest, String text) {
		byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
		digest.update(java.nio.ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
		digest.update(bytes);
	}

	/**
	 * Returns the total size of all module sources, in UTF-16 characters.
	 * @return the code size
	 */
	public long codeSize() {
		long size = 0;
		for (Module module : this.modules.values()) {
			size += module.content().length();
		}
		return size;
	}

	/**
	 * The kind of a module, which decides how it is imported.
	 */
	public enum ModuleType {

		/**
		 * An ES module.
		 */
		JAVASCRIPT,

		/**
		 * A JSON document, imported as its parsed value
		 * ({@code import config from './config.json'}).
		 */
		JSON,

		/**
		 * Plain text, imported as a string.
		 */
		TEXT,

		/**
		 * A CommonJS module (issue 19): {@code module.exports} is its default export, and
		 * its {@code require} reaches the worker's other CommonJS and JSON modules only.
		 */
		CJS,

		/**
		 * Bytes, imported as an {@code ArrayBuffer} (issue 19); the content is their
		 * base64 text.
		 */
		DATA

	}

	/**
	 * One module of a worker.
	 *
	 * @param name the module name, a relative path such as {@code lib/util.js}
	 * @param type how the module is imported
	 * @param content the source, JSON document or text
	 */
	public record Module(String name, ModuleType type, String content) {

		public Module {
			Objects.requireNonNull(name, "'name' must not be null");
			Objects.requireNonNull(type, "'type' must not be null");
			Objects.requireNonNull(content, "'content' must not be null");
		}

		@Override
		public String toString() {
			// Never print the source: it is untrusted and may be large.
			return "Module[name=" + this.name + ", type=" + this.type + ", length=" + this.content.length() + "]";
		}

	}

	/**
	 * An {@code env} entry that is a binding rather than data: a Spring bean looked up by
	 * name, or an explicit object whose exposed methods the guest may call.
	 *
	 * @param name the binding name
	 * @param target the object, or {@code null} to look the binding up by name
	 * @param exposedAs the interface whose methods are exposed, or {@code null} for the
	 * methods annotated {@link WorkerMethod}
	 */
	public record BindingRef(String name, @Nullable Object target, @Nullable Class<?> exposedAs) {

		@Override
		public String toString() {
			return "BindingRef[" + this.name + "]";
		}

	}

	@Override
	public String toString() {
		return "WorkerCode[name=" + this.name + ", mainModule=" + this.mainModule + ", modules=" + this.modules.keySet()
				+ ", env=" + this.env.keySet() + ", policy=" + this.policy + "]";
	}

	/**
	 * Builds {@link WorkerCode}. Not thread-safe.
	 */
	public static final class Builder {

		private @Nullable String name;

		private @Nullable String compatibilityDate;

		private @Nullable String mainModule;

		private final Map<String, Module> modules = new LinkedHashMap<>();

		private final Map<String, @Nullable Object> env = new LinkedHashMap<>();

		private @Nullable OutboundHandler globalOutbound;

		private String policy = DEFAULT_POLICY;

		private @Nullable String clientId;

		private @Nullable WorkerLimits limits;

		private Builder() {
		}

		/**
		 * Sets limits for this code, lower than its policy's: for each limit the lowest
		 * of policy, code and call wins, so these can never raise what the policy allows
		 * (issue 19).
		 * @param limits the limits
		 * @return this builder
		 */
		public Builder limits(WorkerLimits limits) {
			this.limits = Objects.requireNonNull(limits, "'limits' must not be null");
			return this;
		}

		/**
		 * Sets the name a worker made by {@link WorkerLoader#load} uses as its id, in
		 * logs and errors.
		 * @param name the name
		 * @return this builder
		 */
		public Builder name(String name) {
			requireText(name, "name");
			this.name = name;
			return this;
		}

		/**
		 * Sets the compatibility date, {@code yyyy-MM-dd}.
		 * @param date the date
		 * @return this builder
		 */
		public Builder compatibilityDate(String date) {
			Objects.requireNonNull(date, "'compatibilityDate' must not be null");
			if (!DATE.matcher(date).matches()) {
				throw new IllegalArgumentException(
						"'compatibilityDate' must be a date like '2026-03-01', but was '" + date + "'");
			}
			this.compatibilityDate = date;
			return this;
		}

		/**
		 * Sets the module evaluated first. Defaults to the first module added.
		 * @param name the module name
		 * @return this builder
		 */
		public Builder mainModule(String name) {
			requireText(name, "mainModule");
			this.mainModule = name;
			return this;
		}

		/**
		 * Adds an ES module. It may import the other modules by relative path, such as
		 * {@code import { twice } from './lib/util.js'}.
		 * @param name the module name, a relative path such as {@code lib/util.js}
		 * @param source the ES module source
		 * @return this builder
		 */
		public Builder module(String name, String source) {
			return addModule(name, ModuleType.JAVASCRIPT, source);
		}

		/**
		 * Adds a JSON module, imported as its parsed value.
		 * @param name the module name, such as {@code config.json}
		 * @param json the JSON document
		 * @return this builder
		 */
		public Builder jsonModule(String name, String json) {
			return addModule(name, ModuleType.JSON, json);
		}

		/**
		 * Adds a text module, imported as a string.
		 * @param name the module name, such as {@code prompt.txt}
		 * @param text the text
		 * @return this builder
		 */
		public Builder textModule(String name, String text) {
			return addModule(name, ModuleType.TEXT, text);
		}

		/**
		 * Adds a CommonJS module (issue 19): imported, its {@code module.exports} is the
		 * default export; its {@code require} loads the worker's other CommonJS and JSON
		 * modules, never anything else.
		 * @param name the module name, such as {@code lib/util.cjs}
		 * @param source the CommonJS source
		 * @return this builder
		 */
		public Builder cjsModule(String name, String source) {
			return addModule(name, ModuleType.CJS, source);
		}

		/**
		 * Adds a data module, imported as an {@code ArrayBuffer} (issue 19).
		 * @param name the module name, such as {@code model.bin}
		 * @param bytes the bytes
		 * @return this builder
		 */
		public Builder dataModule(String name, byte[] bytes) {
			Objects.requireNonNull(bytes, "'bytes' of module '" + name + "' must not be null");
			return addModule(name, ModuleType.DATA, java.util.Base64.getEncoder().encodeToString(bytes));
		}

		/**
		 * Adds modules in the form of Cloudflare's Worker Loader (issue 19): each value
		 * is either a string, typed by the name's extension ({@code .cjs} CommonJS,
		 * {@code .json} JSON, {@code .txt} text, anything else an ES module), or a map
		 * with one entry whose key is the type: {@code js}, {@code cjs}, {@code json},
		 * {@code text} (strings) or {@code data} ({@code byte[]}).
		 * @param modules the modules by name
		 * @return this builder
		 */
		public Builder modules(Map<String, ?> modules) {
			Objects.requireNonNull(modules, "'modules' must not be null");
			modules.forEach((name, value) -> {
				if (value instanceof String text) {
					addModule(name, byExtension(name), text);
					return;
				}
				if (!(value instanceof Map<?, ?> typed) || typed.size() != 1) {
					throw new IllegalArgumentException("Module '" + name + "' must be a string or a map with one entry"
							+ " (js, cjs, json, text or data), but was " + describe(value));
				}
				Map.Entry<?, ?> entry = typed.entrySet().iterator().next();
				String type = String.valueOf(entry.getKey());
				Object content = entry.getValue();
				if ("data".equals(type)) {
					if (!(content instanceof byte[] bytes)) {
						throw new IllegalArgumentException(
								"Module '" + name + "' of type 'data' must be a byte[], but was " + describe(content));
					}
					dataModule(name, bytes);
					return;
				}
				if (!(content instanceof String text)) {
					throw new IllegalArgumentException("Module '" + name + "' of type '" + type
							+ "' must be a string, but was " + describe(content));
				}
				addModule(name, switch (type) {
					case "js" -> ModuleType.JAVASCRIPT;
					case "cjs" -> ModuleType.CJS;
					case "json" -> ModuleType.JSON;
					case "text" -> ModuleType.TEXT;
					default -> throw new IllegalArgumentException("Module '" + name + "' has type '" + type
							+ "', which is not one of js, cjs, json, text or data");
				}, text);
			});
			return this;
		}

		private static ModuleType byExtension(String name) {
			if (name.endsWith(".cjs")) {
				return ModuleType.CJS;
			}
			if (name.endsWith(".json")) {
				return ModuleType.JSON;
			}
			if (name.endsWith(".txt")) {
				return ModuleType.TEXT;
			}
			return ModuleType.JAVASCRIPT;
		}

		private static String describe(@Nullable Object value) {
			return (value != null) ? "a " + value.getClass().getSimpleName() : "null";
		}

		private Builder addModule(String name, ModuleType type, String content) {
			Objects.requireNonNull(name, "'name' must not be null");
			Objects.requireNonNull(content, "'content' of module '" + name + "' must not be null");
			if (name.startsWith("./")) {
				name = name.substring(2);
			}
			if (!MODULE_NAME.matcher(name).matches() || name.contains("..") || name.length() > 256) {
				throw new IllegalArgumentException("Module name '" + name
						+ "' is not allowed: use a relative path of letters, digits and '_.-@$' segments such as 'lib/util.js', without '..'");
			}
			if (this.modules.containsKey(name)) {
				throw new IllegalArgumentException("Module '" + name + "' was already added");
			}
			this.modules.put(name, new Module(name, type, content));
			return this;
		}

		/**
		 * Adds an {@code env} entry. JSON-like data (null, booleans, numbers, strings,
		 * lists, maps, records and POJOs through Jackson) is deep-copied into the
		 * sandbox. An object whose class is annotated {@link WorkerBinding} or has
		 * {@link WorkerMethod} methods becomes a binding the guest can call.
		 * @param name the name, a JavaScript identifier
		 * @param value the value
		 * @return this builder
		 */
		public Builder env(String name, @Nullable Object value) {
			requireEnvName(name);
			if (value instanceof BindingRef ref) {
				this.env.put(name, new BindingRef(name, ref.target(), ref.exposedAs()));
			}
			else if (value != null && isBindingObject(value)) {
				this.env.put(name, new BindingRef(name, value, null));
			}
			else {
				this.env.put(name, value);
			}
			return this;
		}

		/**
		 * Adds a binding the guest can call: the methods of {@code exposedAs} on
		 * {@code target}.
		 * @param <T> the exposed type
		 * @param name the binding name, a JavaScript identifier
		 * @param target the object
		 * @param exposedAs the interface whose methods the guest may call
		 * @return this builder
		 */
		public <T> Builder env(String name, T target, Class<? super T> exposedAs) {
			requireEnvName(name);
			Objects.requireNonNull(target, "'target' must not be null");
			Objects.requireNonNull(exposedAs, "'exposedAs' must not be null");
			this.env.put(name, new BindingRef(name, target, exposedAs));
			return this;
		}

		/**
		 * Adds the binding registered under {@code name}, such as a Spring bean annotated
		 * {@code @WorkerBinding("CHAT_ROOM")}.
		 * @param name the binding name
		 * @return this builder
		 */
		public Builder env(String name) {
			requireEnvName(name);
			this.env.put(name, new BindingRef(name, null, null));
			return this;
		}

		/**
		 * Adds all entries of the map, as {@link #env(String, Object)} does.
		 * @param env the entries
		 * @return this builder
		 */
		public Builder env(Map<String, ?> env) {
			env.forEach(this::env);
			return this;
		}

		/**
		 * Sets what the worker's {@code fetch()} may reach. {@code null}, the default,
		 * means no network access at all.
		 * @param handler the outbound handler, or {@code null}
		 * @return this builder
		 */
		public Builder globalOutbound(@Nullable OutboundHandler handler) {
			this.globalOutbound = handler;
			return this;
		}

		/**
		 * Sets the policy the worker runs under ({@code default} if not set).
		 * @param policy the policy name
		 * @return this builder
		 */
		public Builder policy(String policy) {
			requireText(policy, "policy");
			this.policy = policy;
			return this;
		}

		/**
		 * Sets the client the worker acts for, used for rate limits and audit.
		 * @param clientId the client id
		 * @return this builder
		 */
		public Builder clientId(String clientId) {
			requireText(clientId, "clientId");
			this.clientId = clientId;
			return this;
		}

		/**
		 * Builds the code.
		 * @return the code
		 * @throws WorkerLoadException if there is no module or the main module is missing
		 */
		public WorkerCode build() {
			if (this.modules.isEmpty()) {
				throw new WorkerLoadException(this.name,
						"Worker code has no modules: add the main module with .module(\"agent.js\", source)");
			}
			String main = (this.mainModule != null) ? stripDot(this.mainModule)
					: this.modules.keySet().iterator().next();
			Module module = this.modules.get(main);
			if (module == null) {
				throw new WorkerLoadException(this.name,
						"Main module '" + main + "' is not among the worker's modules " + this.modules.keySet()
								+ ": add it with .module(\"" + main
								+ "\", source) or set .mainModule(...) to one of them");
			}
			if (module.type() != ModuleType.JAVASCRIPT) {
				throw new WorkerLoadException(this.name, "Main module '" + main + "' is a " + module.type()
						+ " module: the main module must be JavaScript, added with .module(...)");
			}
			return new WorkerCode(this, main);
		}

		private static String stripDot(String name) {
			return name.startsWith("./") ? name.substring(2) : name;
		}

		private static boolean isBindingObject(Object value) {
			Class<?> type = value.getClass();
			if (type.isAnnotationPresent(WorkerBinding.class)) {
				return true;
			}
			for (var method : type.getMethods()) {
				if (method.isAnnotationPresent(WorkerMethod.class)) {
					return true;
				}
			}
			return false;
		}

		private static void requireEnvName(String name) {
			Objects.requireNonNull(name, "'name' must not be null");
			if (!ENV_NAME.matcher(name).matches()) {
				throw new IllegalArgumentException(
						"env name '" + name + "' is not allowed: use a JavaScript identifier such as 'CHAT_ROOM'");
			}
		}

		private static void requireText(String value, String what) {
			Objects.requireNonNull(value, "'" + what + "' must not be null");
			if (value.isBlank()) {
				throw new IllegalArgumentException("'" + what + "' must not be blank");
			}
		}

	}

}
