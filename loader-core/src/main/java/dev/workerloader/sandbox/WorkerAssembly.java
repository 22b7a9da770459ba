package dev.workerloader.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerCode.BindingRef;
import dev.workerloader.WorkerCode.Module;
import dev.workerloader.WorkerLoadException;
import dev.workerloader.WorkerLoaderStatistics.CacheDescriptor;
import dev.workerloader.WorkerPolicyException;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.binding.ExposedBinding;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.graalvm.polyglot.Source;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Turns a {@link WorkerCode} into what a sandbox runs, for {@link GraalWorkerLoader}: the
 * policy it names, its env checked against the policy (bindings granted, vars and secrets
 * added, no shadowing), the code checks, the env as JSON within the policy's limit, the
 * modules translated to JavaScript, and one cached {@link Source} per module so that the
 * engine parses identical code once. Thread-safe.
 *
 * @author Worker Loader team
 */
final class WorkerAssembly {

	private static final String APP_ROOT = "/app/";

	private static final String WILDCARD = "*";

	private final PolicyResolver policies;

	private final BindingProvider bindings;

	private final ValueCodec codec;

	private final Cache<String, Source> sources;

	// The deepest nesting of each module of code seen before, by code hash and module
	// name:
	// scanning a large module costs more than loading it from the parse cache.
	private final Cache<String, NestingScanner.Depth> nestingDepths;

	private final Cache<String, String> moduleKeys;

	WorkerAssembly(PolicyResolver policies, BindingProvider bindings, ValueCodec codec, long sourceCacheSize,
			@Nullable Long sourceCacheWeight) {
		this.policies = policies;
		this.bindings = bindings;
		this.codec = codec;
		this.sources = sourceCache(sourceCacheSize, sourceCacheWeight);
		this.nestingDepths = Caffeine.newBuilder().maximumSize(Math.max(16, sourceCacheSize)).build();
		this.moduleKeys = Caffeine.newBuilder().maximumSize(Math.max(16, sourceCacheSize)).build();
	}

	/**
	 * What a worker of {@code code} runs under {@code policy}.
	 *
	 * @param granted the bindings its env may call
	 * @param envJson its env, vars and secrets as JSON
	 * @param modules every module, as JavaScript
	 * @param parseFirst the sources of the JavaScript modules, to parse before running
	 * @param mainSource the source of the main module
	 */
	record Parts(Map<String, ExposedBinding> granted, String envJson, Map<String, String> modules,
			List<Source> parseFirst, Source mainSource) {
	}

	/**
	 * Checks {@code code} against {@code policy} and prepares what its sandbox runs.
	 * @throws WorkerPolicyException if the policy refuses its env
	 * @throws WorkerLoadException if its code or env is over a limit or malformed
	 */
	Parts assemble(String id, WorkerCode code, WorkerPolicy policy) {
		return assemble(id, code, policy, false);
	}

	/**
	 * Checks {@code code} against {@code policy} and prepares what its sandbox runs; a
	 * synthetic worker (the start-up warm-up, issue 18) leaves nothing in the caches.
	 */
	Parts assemble(String id, WorkerCode code, WorkerPolicy policy, boolean synthetic) {
		Map<String, ExposedBinding> granted = new LinkedHashMap<>();
		Map<String, @Nullable Object> data = new LinkedHashMap<>();
		checkEnv(id, code, policy, granted, data);
		// Issue 19: the code can lower its policy's limits, never raise them.
		WorkerLimits limits = (code.limits() != null) ? policy.limits().lowest(code.limits()) : policy.limits();
		CompatibilityDates.check(id, code.compatibilityDate());
		CodeChecks.check(id, code, policy.name(), limits,
				(module) -> synthetic ? NestingScanner.scan(module.content()) : this.nestingDepths
					.get(code.sha256() + '/' + module.name(), (key) -> NestingScanner.scan(module.content())));
		String envJson = this.codec.toJson(data);
		if (envJson.length() > limits.envSize()) {
			throw new WorkerLoadException(id, "EnvTooLarge",
					"Worker '" + id + "' was refused: its env is " + envJson.length()
							+ " characters as JSON, over the limit of " + limits.envSize() + " of policy '"
							+ policy.name() + "'. Pass less data, or raise "
							+ QuotaProperties.limit(policy.name(), "env-size") + ".",
					null, -1, -1);
		}
		Map<String, String> modules = translateModules(id, code);
		List<Source> parseFirst = new ArrayList<>();
		Source mainSource = null;
		for (Module module : code.modules().values()) {
			if (module.type() == WorkerCode.ModuleType.TEXT) {
				continue;
			}
			Source source = synthetic ? newSource(module, modules.get(module.name()))
					: source(code, module, modules.get(module.name()));
			parseFirst.add(source);
			if (module.name().equals(code.mainModule())) {
				mainSource = source;
			}
		}
		Objects.requireNonNull(mainSource, "main module");
		return new Parts(granted, envJson, modules, parseFirst, mainSource);
	}

	/**
	 * Returns statistics of the parsed-source cache.
	 */
	CacheDescriptor sourceCache() {
		var stats = this.sources.stats();
		return new CacheDescriptor(stats.hitCount(), stats.missCount(), stats.hitRate(), this.sources.estimatedSize(),
				stats.evictionCount());
	}

	WorkerPolicy resolvePolicy(String id, String name) {
		WorkerPolicy policy = this.policies.find(name);
		if (policy == null) {
			List<String> known = new ArrayList<>();
			for (WorkerPolicy candidate : this.policies.policies()) {
				known.add(candidate.name());
			}
			throw new WorkerPolicyException(id, name,
					"Worker '" + id + "' names policy '" + name + "', which is not defined (defined: " + known
							+ "). Define it under " + QuotaProperties.POLICIES + name + ", or use one of those.");
		}
		return policy;
	}

	private void checkEnv(String id, WorkerCode code, WorkerPolicy policy, Map<String, ExposedBinding> granted,
			Map<String, @Nullable Object> data) {
		String prefix = QuotaProperties.POLICIES + policy.name();
		for (Map.Entry<String, @Nullable Object> entry : code.env().entrySet()) {
			String name = entry.getKey();
			if (policy.vars().containsKey(name) || policy.secrets().containsKey(name)) {
				String kind = policy.vars().containsKey(name) ? "var" : "secret";
				throw new WorkerPolicyException(id, policy.name(),
						"Worker '" + id + "' asks for env '" + name + "', which would shadow the " + kind
								+ " of the same name that policy '" + policy.name() + "' defines. Rename the env entry,"
								+ " or remove " + prefix + "." + kind + "s." + name + ".");
			}
			if (entry.getValue() instanceof BindingRef ref) {
				if (!policy.bindings().contains(name) && !policy.bindings().contains(WILDCARD)) {
					throw new WorkerPolicyException(id, policy.name(),
							"Worker '" + id + "' was denied access to binding '" + name + "': policy '" + policy.name()
									+ "' does not list it. If intended, add it to " + prefix + ".bindings.");
				}
				granted.put(name, exposedBinding(id, policy, ref));
			}
			else {
				data.put(name, entry.getValue());
			}
		}
		data.putAll(policy.vars());
		data.putAll(policy.secrets());
	}

	private ExposedBinding exposedBinding(String id, WorkerPolicy policy, BindingRef ref) {
		Object target = ref.target();
		if (target == null) {
			ExposedBinding registered = this.bindings.find(ref.name());
			if (registered == null) {
				throw new WorkerPolicyException(id, policy.name(),
						"Worker '" + id + "' asks for binding '" + ref.name()
								+ "', but no bean provides it (registered: " + new TreeSet<>(this.bindings.names())
								+ "). Annotate a bean with @WorkerBinding(\"" + ref.name()
								+ "\"), or set worker-loader.bindings." + ref.name() + ".bean.");
			}
			return HostServices.scope(registered, id);
		}
		try {
			return ExposedBinding.of(ref.name(), target, ref.exposedAs());
		}
		catch (IllegalArgumentException ex) {
			throw new WorkerPolicyException(id, policy.name(), "Worker '" + id + "': " + ex.getMessage());
		}
	}

	private Map<String, String> translateModules(String id, WorkerCode code) {
		Map<String, String> modules = new LinkedHashMap<>();
		boolean commonJs = false;
		for (Module module : code.modules().values()) {
			commonJs |= module.type() == WorkerCode.ModuleType.CJS;
			modules.put(module.name(), switch (module.type()) {
				case JAVASCRIPT -> module.content();
				case JSON -> "export default " + normalizedJson(id, module) + ";\n";
				case TEXT -> "export default " + this.codec.toJson(module.content()) + ";\n";
				case CJS -> "import { load } from " + this.codec.toJson(CJS_REGISTRY) + ";\nexport default load("
						+ this.codec.toJson(module.name()) + ");\n";
				case DATA -> dataModule(module.content());
			});
		}
		if (commonJs) {
			// Mounted beside the modules, under a directory no module name can have.
			modules.put(CJS_REGISTRY.substring(ModuleFileSystem.ROOT.toString().length() + 1), cjsRegistry(id, code));
		}
		return modules;
	}

	/**
	 * The module that runs a worker's CommonJS modules (issue 19): each is a function of
	 * {@code (exports, require, module, __filename, __dirname)}, evaluated once on first
	 * {@code require}; {@code require} resolves among these and the JSON modules only.
	 */
	static final String CJS_REGISTRY = ModuleFileSystem.CLOUDFLARE_WORKERS.getParent().resolve("cjs.js").toString();

	private String cjsRegistry(String id, WorkerCode code) {
		StringBuilder out = new StringBuilder(
				"const defs = Object.create(null);\nconst cache = Object.create(null);\n");
		for (Module module : code.modules().values()) {
			String name = this.codec.toJson(module.name());
			if (module.type() == WorkerCode.ModuleType.CJS) {
				out.append("defs[")
					.append(name)
					.append("] = function (exports, require, module, __filename, __dirname) {\n")
					.append(module.content())
					.append("\n};\n");
			}
			else if (module.type() == WorkerCode.ModuleType.JSON) {
				out.append("defs[")
					.append(name)
					.append("] = function (exports, require, module) { module.exports = ")
					.append(normalizedJson(id, module))
					.append("; };\n");
			}
		}
		out.append(
				"""
						function dirname(name) { const i = name.lastIndexOf('/'); return i < 0 ? '' : name.slice(0, i); }
						function resolve(from, specifier) {
						  const spec = String(specifier);
						  if (!spec.startsWith('./') && !spec.startsWith('../')) {
						    throw new Error("Cannot find module '" + spec + "': require() loads only the worker's own CommonJS and JSON modules, by a relative path");
						  }
						  const parts = dirname(from) === '' ? [] : dirname(from).split('/');
						  for (const part of spec.split('/')) {
						    if (part === '..') parts.pop(); else if (part !== '.' && part !== '') parts.push(part);
						  }
						  const base = parts.join('/');
						  for (const candidate of [base, base + '.cjs', base + '.js', base + '.json', base + '/index.cjs', base + '/index.js']) {
						    if (candidate in defs) return candidate;
						  }
						  throw new Error("Cannot find module '" + spec + "' from '" + from + "'");
						}
						export function load(name) {
						  if (name in cache) return cache[name].exports;
						  const module = { exports: {} };
						  cache[name] = module;
						  defs[name].call(module.exports, module.exports, (spec) => load(resolve(name, spec)), module, '/' + name, '/' + dirname(name));
						  return module.exports;
						}
						""");
		return out.toString();
	}

	private static String dataModule(String base64) {
		return "const text = " + "\"" + base64 + "\";\n" + """
				const table = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
				const clean = text.replace(/=+$/, '');
				const bytes = new Uint8Array((clean.length * 3) >> 2);
				let buffer = 0, bits = 0, o = 0;
				for (let i = 0; i < clean.length; i++) {
				  buffer = (buffer << 6) | table.indexOf(clean[i]);
				  bits += 6;
				  if (bits >= 8) { bits -= 8; bytes[o++] = (buffer >> bits) & 255; }
				}
				export default bytes.buffer;
				""";
	}

	private String normalizedJson(String id, Module module) {
		try {
			JsonNode node = this.codec.readTree(module.content());
			return this.codec.toJson(node);
		}
		catch (JacksonException ex) {
			var location = ex.getLocation();
			int line = (location != null) ? location.getLineNr() : -1;
			int column = (location != null) ? location.getColumnNr() : -1;
			throw new WorkerLoadException(id, "SyntaxError",
					"Worker '" + id + "' has a JSON module '" + module.name() + "' that is not valid JSON at line "
							+ line + ", column " + column
							+ ". Fix the document, or add it with .textModule(...) to import it as a string.",
					module.name(), line, column);
		}
	}

	/**
	 * The parse cache, bounded by an estimate of the heap its entries retain (issue 13):
	 * the engine keeps a module's parsed code for as long as its {@code Source} is
	 * reachable, which costs about {@value #RETAINED_BYTES_PER_CHAR} bytes per source
	 * character. Each entry weighs at least {@code maxWeight / maxSize}, so that the
	 * entry count is bounded too.
	 */
	private static Cache<String, Source> sourceCache(long sourceCacheSize, @Nullable Long sourceCacheWeight) {
		long maxWeight = (sourceCacheWeight != null) ? sourceCacheWeight : Runtime.getRuntime().maxMemory() / 8;
		long minEntryWeight = (sourceCacheSize > 0) ? Math.max(1, maxWeight / sourceCacheSize) : Long.MAX_VALUE;
		return Caffeine.newBuilder()
			.maximumWeight(maxWeight)
			.<String, Source>weigher((key,
					source) -> (int) Math.min(Integer.MAX_VALUE, Math.max(minEntryWeight, retainedEstimate(source))))
			.recordStats()
			.build();
	}

	static final int RETAINED_BYTES_PER_CHAR = 24;

	static long retainedEstimate(Source source) {
		return 1024 + (long) source.getLength() * RETAINED_BYTES_PER_CHAR;
	}

	/**
	 * Returns the one {@link Source} instance for a module, so that the engine parses
	 * identical code once (its parse cache is keyed by the source).
	 */
	private Source source(WorkerCode code, Module module, String content) {
		String name = APP_ROOT + module.name();
		// Hashing a large module costs more than loading it from the cache: remember each
		// module's key under the hash of the whole code, which is computed once per code.
		String key = this.moduleKeys.get(code.sha256() + '/' + module.name(),
				(k) -> sha256(name.length() + ":" + name + "|" + module.type() + "|" + content));
		return this.sources.get(key, (k) -> newSource(module, content));
	}

	private static Source newSource(Module module, String content) {
		return Source.newBuilder("js", content, APP_ROOT + module.name())
			.mimeType(ModuleFileSystem.MODULE_MIME_TYPE)
			.cached(true)
			.buildLiteral();
	}

	private static String sha256(String text) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
