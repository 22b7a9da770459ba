package dev.workerloader.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerCode.BindingRef;
import dev.workerloader.WorkerCode.Module;
import dev.workerloader.WorkerListener;
import dev.workerloader.WorkerLoadException;
import dev.workerloader.WorkerLoader;
import dev.workerloader.WorkerPolicyException;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.binding.ExposedBinding;
import dev.workerloader.egress.OutboundHandler;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.ratelimit.ClientIdResolver;
import dev.workerloader.ratelimit.ClientRateLimiter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.graalvm.polyglot.Source;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The GraalJS implementation of {@link WorkerLoader}. One shared engine; one
 * {@code CONSTRAINED} context per worker; guest code on the loader's own platform
 * threads; quotas enforced by a watchdog. Thread-safe. Close it to release the engine and
 * every worker.
 *
 * <pre>{@code
 * try (GraalWorkerLoader loader = GraalWorkerLoader.builder().build();
 *         Worker worker = loader.load(WorkerCode.of("export default { hi(p) { return 'hi ' + p; } }"))) {
 *     worker.getEntrypoint().call("hi", "bob"); // "hi bob"
 * }
 * }</pre>
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class GraalWorkerLoader implements WorkerLoader, AutoCloseable {

	private static final Log logger = LogFactory.getLog(GraalWorkerLoader.class);

	private static final String APP_ROOT = "/app/";

	private static final String WILDCARD = "*";

	private final PolicyResolver policies;

	private final WorkerListener listener;

	private final Supplier<@Nullable String> clientIdResolver;

	private final BindingProvider bindings;

	private final ValueCodec codec;

	private final CompletableFuture<SandboxEngine> engine;

	private final SandboxThreads threads;

	private final Watchdog watchdog;

	private final Cache<String, Source> sources;

	// The deepest nesting of each module of code seen before, by code hash and module
	// name:
	// scanning a large module costs more than loading it from the parse cache.
	private final Cache<String, NestingScanner.Depth> nestingDepths;

	private final Cache<String, String> moduleKeys;

	private final ContextPool pool;

	private final HeapGuard heapGuard;

	private final KeptWorkers kept;

	private final Set<SandboxWorker> active = ConcurrentHashMap.newKeySet();

	private final Map<QuotaKind, AtomicLong> quotaKills = new EnumMap<>(QuotaKind.class);

	private final AtomicLong loads = new AtomicLong();

	private final AtomicLong anonymous = new AtomicLong();

	private volatile long lastKillLatencyNanos = -1;

	// Issue 6: fetch(), per-client rate limits and per-worker bindings.
	private final HostServices hostServices;

	private GraalWorkerLoader(Builder builder) {
		this.policies = builder.policies;
		this.listener = new CompositeWorkerListener(builder.listeners);
		this.clientIdResolver = builder.clientIdResolver;
		this.bindings = builder.bindings;
		this.codec = new ValueCodec(builder.jsonMapper);
		this.hostServices = new HostServices(builder.outboundHandlers, builder.rateLimiter, this.codec, 16);
		this.threads = new SandboxThreads(builder.threads, builder.stackSize);
		this.watchdog = new Watchdog(builder.watchdogInterval, builder.killGrace);
		this.sources = sourceCache(builder);
		this.nestingDepths = Caffeine.newBuilder().maximumSize(Math.max(16, builder.sourceCacheSize)).build();
		this.moduleKeys = Caffeine.newBuilder().maximumSize(Math.max(16, builder.sourceCacheSize)).build();
		for (QuotaKind kind : QuotaKind.values()) {
			this.quotaKills.put(kind, new AtomicLong());
		}
		// The first engine creation and eval take seconds: do it in the background so
		// that
		// startup is not blocked; the first load waits for it if it is not done yet.
		this.engine = CompletableFuture.supplyAsync(GraalWorkerLoader::startEngine, (runnable) -> {
			CleanThreads.newThread(runnable, "worker-loader-warmup", 0).start();
		});
		this.pool = new ContextPool(this.engine, builder.poolMin, builder.poolMax);
		this.kept = new KeptWorkers(builder.keptMaxWorkers, builder.keptIdleTimeout);
		this.heapGuard = new HeapGuard(this.watchdog, builder.heapGuardThreshold);
	}

	private static SandboxEngine startEngine() {
		long start = System.nanoTime();
		SandboxEngine engine = new SandboxEngine();
		// Create and discard one context so that the JS realm code paths are loaded.
		engine.newContext(0).close();
		logger.info("Worker Loader ready in " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms: "
				+ engine.runtimeInfo().describe());
		// Issue 19: the guest libraries are parsed off the hot path, after readiness.
		CleanThreads.newThread(engine::warmLibraries, "worker-loader-warmup-libraries", 0).start();
		return engine;
	}

	/**
	 * Returns a new builder.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	public Worker load(WorkerCode code) {
		Objects.requireNonNull(code, "'code' must not be null");
		String id = (code.name() != null) ? code.name() : "worker-" + this.anonymous.incrementAndGet();
		return loadWorker(id, code);
	}

	@Override
	public Worker get(String id, Supplier<WorkerCode> code) {
		Objects.requireNonNull(id, "'id' must not be null");
		Objects.requireNonNull(code, "'code' must not be null");
		// Resolved on the caller's thread, where the authenticated principal is known.
		String clientId = this.clientIdResolver.get();
		return this.kept.get(clientId, id, code, (workerCode) -> loadWorker(id, workerCode, clientId));
	}

	@Override
	public Worker get(String id, WorkerCode code) {
		Objects.requireNonNull(id, "'id' must not be null");
		Objects.requireNonNull(code, "'code' must not be null");
		String clientId = (code.clientId() != null) ? code.clientId() : this.clientIdResolver.get();
		return this.kept.get(clientId, id, code, (workerCode) -> loadWorker(id, workerCode, clientId));
	}

	@Override
	public boolean evict(String id) {
		Objects.requireNonNull(id, "'id' must not be null");
		return this.kept.evict(id);
	}

	private SandboxWorker loadWorker(String id, WorkerCode code) {
		// Resolved on the caller's thread, where the authenticated principal is known.
		String clientId = (code.clientId() != null) ? code.clientId() : this.clientIdResolver.get();
		return loadWorker(id, code, clientId);
	}

	private SandboxWorker loadWorker(String id, WorkerCode code, @Nullable String resolvedClientId) {
		String clientId = (code.clientId() != null) ? code.clientId() : resolvedClientId;
		long start = System.nanoTime();
		try {
			SandboxWorker worker = doLoad(id, code, clientId);
			loaded(id, code, clientId, WorkerListener.SUCCESS, null, start);
			return worker;
		}
		catch (RuntimeException ex) {
			QuotaKind quota = (ex instanceof WorkerQuotaExceededException exceeded) ? exceeded.kind() : null;
			loaded(id, code, clientId, WorkerListener.outcomeOf(ex), quota, start);
			throw ex;
		}
	}

	private void loaded(String id, WorkerCode code, @Nullable String clientId, String outcome,
			@Nullable QuotaKind quota, long start) {
		this.listener.loaded(new WorkerListener.LoadEvent(id, code.policy(), clientId, codeHash(code), outcome, quota,
				Duration.ofNanos(System.nanoTime() - start)));
	}

	private SandboxWorker doLoad(String id, WorkerCode code, @Nullable String clientId) {
		WorkerPolicy policy = resolvePolicy(id, code.policy());
		this.hostServices.beforeLoad(id, clientId, policy);
		Map<String, ExposedBinding> granted = new LinkedHashMap<>();
		Map<String, @Nullable Object> data = new LinkedHashMap<>();
		checkEnv(id, code, policy, granted, data);
		// Issue 19: the code can lower its policy's limits, never raise them.
		WorkerLimits limits = (code.limits() != null) ? policy.limits().lowest(code.limits()) : policy.limits();
		CompatibilityDates.check(id, code.compatibilityDate());
		CodeChecks.check(id, code, policy.name(), limits, (module) -> this.nestingDepths
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
			Source source = source(code, module, modules.get(module.name()));
			parseFirst.add(source);
			if (module.name().equals(code.mainModule())) {
				mainSource = source;
			}
		}
		Objects.requireNonNull(mainSource, "main module");
		BindingHost bindingHost = new BindingHost(granted, this.codec);
		// A statement limit is fixed when a context is built, so those contexts cannot
		// come
		// from the shared pool: build them here.
		SandboxContext context = (limits.statements() > 0) ? engine().newContext(limits.statements())
				: this.pool.acquire();
		SandboxWorker worker = new SandboxWorker(this, id, policy, codeHash(code), context, this.threads.serial());
		if (code.limits() != null) {
			worker.codeLimits(code.limits());
		}
		worker.redactor(Redactor.of(policy.secrets().values(), WorkerPolicy.MIN_SECRET_LENGTH));
		bindingHost.attach(worker);
		worker.clientId(clientId, code.clientId());
		try {
			this.hostServices.attach(worker, code, policy);
		}
		catch (RuntimeException ex) {
			worker.close();
			throw ex;
		}
		this.active.add(worker);
		worker.start(modules, parseFirst, mainSource, envJson, bindingHost.bindingsJson(), bindingHost);
		this.loads.incrementAndGet();
		return worker;
	}

	private WorkerPolicy resolvePolicy(String id, String name) {
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
	private static Cache<String, Source> sourceCache(Builder builder) {
		long maxWeight = (builder.sourceCacheWeight != null) ? builder.sourceCacheWeight
				: Runtime.getRuntime().maxMemory() / 8;
		long minEntryWeight = (builder.sourceCacheSize > 0) ? Math.max(1, maxWeight / builder.sourceCacheSize)
				: Long.MAX_VALUE;
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
		return this.sources.get(key,
				(k) -> Source.newBuilder("js", content, name)
					.mimeType(ModuleFileSystem.MODULE_MIME_TYPE)
					.cached(true)
					.buildLiteral());
	}

	static String codeHash(WorkerCode code) {
		return code.sha256();
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

	private SandboxEngine engine() {
		return this.engine.join();
	}

	/**
	 * Waits until the engine is warm.
	 * @param timeout how long to wait at most
	 * @return whether the engine is ready
	 */
	public boolean awaitReady(Duration timeout) {
		try {
			this.engine.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
			return true;
		}
		catch (java.util.concurrent.TimeoutException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (java.util.concurrent.ExecutionException ex) {
			return false;
		}
	}

	/**
	 * Returns whether the engine is warm and ready.
	 * @return whether the engine is ready
	 */
	public boolean isReady() {
		return this.engine.isDone() && !this.engine.isCompletedExceptionally();
	}

	/**
	 * Returns why the engine failed to start, if it did.
	 * @return the failure, or {@code null}
	 */
	public @Nullable Throwable startupFailure() {
		if (!this.engine.isCompletedExceptionally()) {
			return null;
		}
		try {
			this.engine.join();
			return null;
		}
		catch (RuntimeException ex) {
			return (ex.getCause() != null) ? ex.getCause() : ex;
		}
	}

	/**
	 * Returns the GraalJS version, the Truffle runtime and the JDK, once the engine is
	 * ready.
	 * @return the runtime description, or {@code null} while warming up
	 */
	public @Nullable RuntimeDescriptor runtime() {
		if (!isReady()) {
			return null;
		}
		SandboxEngine.RuntimeInfo info = engine().runtimeInfo();
		return new RuntimeDescriptor(info.graalVersion(), info.implementation(), info.jit(), info.jdk());
	}

	/**
	 * Returns the number of workers currently open.
	 * @return the active worker count
	 */
	public int activeWorkers() {
		return this.active.size();
	}

	/**
	 * Returns the number of workers kept by {@link #get(String, Supplier)} and
	 * {@link #get(String, WorkerCode)}, over all clients.
	 * @return the kept worker count
	 */
	public int keptWorkers() {
		return this.kept.size();
	}

	/**
	 * Returns the number of kept workers closed because the kept set was full or they
	 * were idle too long.
	 * @return the eviction count
	 */
	public long keptEvictions() {
		return this.kept.evictions();
	}

	/**
	 * Returns the ids of the kept workers.
	 * @return the kept worker ids
	 */
	public Set<String> keptWorkerIds() {
		return this.kept.ids();
	}

	/**
	 * Returns the workers kept under {@code id}: one per client and code identity.
	 * @param id the worker id
	 * @return the kept workers
	 */
	public List<KeptWorkerDescriptor> keptWorker(String id) {
		List<KeptWorkerDescriptor> result = new ArrayList<>();
		for (SandboxWorker worker : this.kept.workers(id)) {
			result.add(new KeptWorkerDescriptor(worker.id(), worker.policy(), worker.codeHash(), worker.age(),
					worker.invocationCount(), worker.lastOutcome()));
		}
		return result;
	}

	/**
	 * Returns the number of workers loaded since start.
	 * @return the load count
	 */
	public long loadCount() {
		return this.loads.get();
	}

	/**
	 * Returns the number of workers stopped for exceeding each quota.
	 * @return the kill counts by kind
	 */
	public Map<QuotaKind, Long> quotaKills() {
		Map<QuotaKind, Long> result = new EnumMap<>(QuotaKind.class);
		this.quotaKills.forEach((kind, count) -> result.put(kind, count.get()));
		return result;
	}

	/**
	 * Returns the policies this loader checks workers against.
	 * @return the policies
	 */
	public Collection<WorkerPolicy> policies() {
		return this.policies.policies();
	}

	/**
	 * Returns statistics of the parsed-source cache.
	 * @return the cache statistics
	 */
	public CacheDescriptor sourceCache() {
		var stats = this.sources.stats();
		return new CacheDescriptor(stats.hitCount(), stats.missCount(), stats.hitRate(), this.sources.estimatedSize(),
				stats.evictionCount());
	}

	/**
	 * Returns the state of the warm pool of pre-initialized contexts.
	 * @return the pool statistics
	 */
	public PoolDescriptor pool() {
		ContextPool.PoolStats stats = this.pool.stats();
		return new PoolDescriptor(stats.min(), stats.max(), stats.target(), stats.size(), stats.idle(), stats.created(),
				stats.acquired(), stats.misses(), isReady());
	}

	WorkerListener listener() {
		return this.listener;
	}

	ValueCodec codec() {
		return this.codec;
	}

	HostServices hostServices() {
		return this.hostServices;
	}

	/**
	 * Returns the per-client rate limiter, with the count of refused loads and calls.
	 * @return the rate limiter
	 */
	public ClientRateLimiter rateLimiter() {
		return this.hostServices.rateLimiter();
	}

	Watchdog watchdog() {
		return this.watchdog;
	}

	void quotaKilled(SandboxWorker worker, QuotaKind kind) {
		this.quotaKills.get(kind).incrementAndGet();
		logger.info("Stopped worker '" + worker.id() + "' of policy '" + worker.policy() + "': " + kind
				+ " quota exceeded");
	}

	/**
	 * Records how long a killed invocation took to stop after the watchdog decided to
	 * kill it (issue 4 target: 10 ms).
	 */
	void killLatency(SandboxWorker worker, long nanos) {
		this.lastKillLatencyNanos = nanos;
		if (logger.isDebugEnabled()) {
			logger.debug("Worker '" + worker.id() + "' stopped " + nanos / 1000 + " µs after the watchdog killed it");
		}
	}

	/**
	 * Returns how long the last quota kill took from the watchdog's decision to the
	 * exception on the sandbox thread, for diagnostics and benchmarks.
	 * @return the latency in nanoseconds, or -1 before the first kill
	 */
	public long lastKillLatencyNanos() {
		return this.lastKillLatencyNanos;
	}

	/**
	 * A killed invocation did not stop within the grace: its caller was answered, and its
	 * thread is given up and replaced (issue 13).
	 */
	void threadAbandoned(SandboxWorker worker, Thread thread, QuotaKind kind, long sinceKillNanos) {
		boolean replaced = this.threads.abandon(thread);
		logger.warn("Worker '" + worker.id() + "' of policy '" + worker.policy() + "' was still running "
				+ sinceKillNanos / 1_000_000 + " ms after it was stopped for exceeding its " + kind
				+ " quota (a long built-in ignores cancellation): its caller was answered, and sandbox thread '"
				+ thread.getName() + "' is abandoned until it returns"
				+ (replaced ? "; a new thread replaces it." : "; too many threads linger to replace it."));
	}

	/**
	 * Returns the state of the sandbox threads, abandoned ones included.
	 * @return the thread statistics
	 */
	public ThreadsDescriptor threads() {
		SandboxThreads.ThreadStats stats = this.threads.stats();
		return new ThreadsDescriptor(stats.size(), stats.live(), stats.active(), stats.abandoned(), stats.lingering(),
				stats.returned(), stats.notReplaced(), stats.lastLinger(), stats.maxLinger());
	}

	void workerClosed(SandboxWorker worker) {
		this.active.remove(worker);
	}

	void logHostFailure(String workerId, Throwable ex, Redactor redactor) {
		// The guest may have passed a secret to the binding, which may put it in its
		// message: the host log gets the stack with redacted messages (issue 12).
		logger.warn("A host call of worker '" + workerId + "' failed", RedactedException.of(ex, redactor));
	}

	@Override
	public void close() {
		this.kept.close();
		for (SandboxWorker worker : List.copyOf(this.active)) {
			worker.close();
		}
		this.heapGuard.close();
		this.watchdog.close();
		this.threads.close();
		this.pool.close();
		this.hostServices.close();
		this.engine.thenAccept(SandboxEngine::close);
	}

	/**
	 * What runs the sandboxes.
	 *
	 * @param graalVersion the GraalJS (polyglot) version
	 * @param implementation the Truffle runtime name
	 * @param jit whether the optimizing JIT compiles guest code
	 * @param jdk the JDK version and vendor
	 */
	public record RuntimeDescriptor(String graalVersion, String implementation, boolean jit, String jdk) {
	}

	/**
	 * A worker kept by {@link GraalWorkerLoader#get(String, Supplier)} or
	 * {@link GraalWorkerLoader#get(String, WorkerCode)}.
	 *
	 * @param id the worker id
	 * @param policy the policy name
	 * @param codeSha256 the SHA-256 of its code
	 * @param age how long it has been loaded
	 * @param invocations the number of calls so far
	 * @param lastOutcome the outcome of the last call, if any
	 */
	public record KeptWorkerDescriptor(String id, String policy, String codeSha256, Duration age, long invocations,
			@Nullable String lastOutcome) {
	}

	/**
	 * The warm pool of pre-initialized sandbox contexts. Each context serves one worker
	 * and is never returned.
	 *
	 * @param min the smallest number of idle contexts kept ready
	 * @param max the largest number of idle contexts kept ready
	 * @param target the number of idle contexts aimed for now: the acquisitions of the
	 * last second, between min and max
	 * @param size the open contexts that came from the pool: idle plus serving a worker
	 * @param idle the contexts ready to be handed out
	 * @param created the contexts built ahead of time since start
	 * @param acquired the contexts handed out since start
	 * @param misses the acquisitions that found no idle context and built one inline
	 * @param engineReady whether the engine finished warming up
	 */
	public record PoolDescriptor(int min, int max, int target, int size, int idle, long created, long acquired,
			long misses, boolean engineReady) {
	}

	/**
	 * The platform threads that run guest code. A thread stuck in a long built-in after
	 * its worker was killed is abandoned and replaced until it returns.
	 *
	 * @param size the configured number of threads
	 * @param live the threads alive now, replacements included
	 * @param active the threads running guest code now
	 * @param abandoned the threads given up on since start
	 * @param lingering the abandoned threads still stuck now
	 * @param returned the abandoned threads that came back
	 * @param notReplaced the abandoned threads not replaced because too many lingered
	 * @param lastLinger how long the last returning thread stayed stuck after it was
	 * abandoned, or {@code null}
	 * @param maxLinger the longest such time, or {@code null}
	 */
	public record ThreadsDescriptor(int size, int live, int active, long abandoned, int lingering, long returned,
			long notReplaced, @Nullable Duration lastLinger, @Nullable Duration maxLinger) {
	}

	/**
	 * Statistics of a cache.
	 *
	 * @param hits the hit count
	 * @param misses the miss count
	 * @param hitRate hits divided by requests, or 1 when there was no request
	 * @param size the estimated number of entries
	 * @param evictions the eviction count
	 */
	public record CacheDescriptor(long hits, long misses, double hitRate, long size, long evictions) {
	}

	/**
	 * Builds a {@link GraalWorkerLoader}.
	 */
	public static final class Builder {

		private PolicyResolver policies = PolicyResolver
			.of(WorkerPolicy.of(WorkerCode.DEFAULT_POLICY, WorkerLimits.DEFAULTS).withBindings(WILDCARD));

		private BindingProvider bindings = BindingProvider.NONE;

		private final List<WorkerListener> listeners = new ArrayList<>();

		private Supplier<@Nullable String> clientIdResolver = () -> null;

		/**
		 * Sets how to find the client a worker acts for when its code names none, such as
		 * the authenticated principal. Called on the thread that loads the worker.
		 * @param resolver the resolver; may return {@code null}
		 * @return this builder
		 */
		public Builder clientIdResolver(Supplier<@Nullable String> resolver) {
			this.clientIdResolver = Objects.requireNonNull(resolver, "'resolver' must not be null");
			return this;
		}

		/**
		 * Adds a listener that hears every load, invocation and guest log line.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(WorkerListener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "'listener' must not be null"));
			return this;
		}

		private JsonMapper jsonMapper = JsonMapper.builder().build();

		private int threads = Math.max(4, Runtime.getRuntime().availableProcessors() * 4);

		private long stackSize = 4L * 1024 * 1024;

		private Duration watchdogInterval = Duration.ofMillis(2);

		private long sourceCacheSize = 1024;

		private @Nullable Long sourceCacheWeight;

		private Duration killGrace = Duration.ofMillis(100);

		private int poolMin = 2;

		private int poolMax = 64;

		private double heapGuardThreshold = 0.85;

		private long keptMaxWorkers = 1000;

		private Duration keptIdleTimeout = Duration.ofMinutes(30);

		private Function<String, @Nullable OutboundHandler> outboundHandlers = (name) -> null;

		private ClientRateLimiter rateLimiter = new ClientRateLimiter(ClientIdResolver.NONE);

		private Builder() {
		}

		/**
		 * Sets how the {@code OutboundHandler} a policy names in {@code outbound.handler}
		 * is found, such as a Spring bean lookup.
		 * @param handlers returns the handler with the given name, or {@code null}
		 * @return this builder
		 */
		public Builder outboundHandlers(Function<String, @Nullable OutboundHandler> handlers) {
			this.outboundHandlers = Objects.requireNonNull(handlers, "'handlers' must not be null");
			return this;
		}

		/**
		 * Sets the rate limiter that applies each policy's per-client rate limit to loads
		 * and calls.
		 * @param rateLimiter the rate limiter
		 * @return this builder
		 */
		public Builder rateLimiter(ClientRateLimiter rateLimiter) {
			this.rateLimiter = Objects.requireNonNull(rateLimiter, "'rateLimiter' must not be null");
			return this;
		}

		/**
		 * Sets how many workers {@code get(id, ...)} keeps at most, over all clients; the
		 * least recently used is closed when one more is kept.
		 * @param maxWorkers the maximum
		 * @return this builder
		 */
		public Builder keptMaxWorkers(long maxWorkers) {
			if (maxWorkers < 1) {
				throw new IllegalArgumentException("'keptMaxWorkers' must be at least 1, but was " + maxWorkers);
			}
			this.keptMaxWorkers = maxWorkers;
			return this;
		}

		/**
		 * Sets how long a kept worker may go without being asked for before it is closed.
		 * @param idleTimeout the idle timeout
		 * @return this builder
		 */
		public Builder keptIdleTimeout(Duration idleTimeout) {
			if (idleTimeout.isNegative() || idleTimeout.isZero()) {
				throw new IllegalArgumentException("'keptIdleTimeout' must be positive, but was " + idleTimeout);
			}
			this.keptIdleTimeout = idleTimeout;
			return this;
		}

		/**
		 * Sets the smallest number of pre-initialized contexts the warm pool keeps ready.
		 * @param min the minimum, 0 to disable the pool
		 * @return this builder
		 */
		public Builder poolMin(int min) {
			if (min < 0) {
				throw new IllegalArgumentException("'poolMin' must not be negative, but was " + min);
			}
			this.poolMin = min;
			return this;
		}

		/**
		 * Sets the largest number of pre-initialized contexts the warm pool keeps ready.
		 * @param max the maximum
		 * @return this builder
		 */
		public Builder poolMax(int max) {
			if (max < 0) {
				throw new IllegalArgumentException("'poolMax' must not be negative, but was " + max);
			}
			this.poolMax = max;
			return this;
		}

		/**
		 * Sets the fraction of the maximum heap that, when still in use after a garbage
		 * collection, makes the heap guard stop the worker allocating the most.
		 * @param threshold a fraction between 0.1 and 0.99
		 * @return this builder
		 */
		public Builder heapGuardThreshold(double threshold) {
			if (threshold < 0.1 || threshold > 0.99) {
				throw new IllegalArgumentException(
						"'heapGuardThreshold' must be between 0.1 and 0.99, but was " + threshold);
			}
			this.heapGuardThreshold = threshold;
			return this;
		}

		/**
		 * Sets the policies. Without this, there is one policy, {@code default}, with
		 * {@link WorkerLimits#DEFAULTS} that grants any binding.
		 * @param policies the policies
		 * @return this builder
		 */
		public Builder policies(PolicyResolver policies) {
			this.policies = Objects.requireNonNull(policies, "'policies' must not be null");
			return this;
		}

		/**
		 * Sets the provider of bindings referred to by name.
		 * @param bindings the binding provider
		 * @return this builder
		 */
		public Builder bindings(BindingProvider bindings) {
			this.bindings = Objects.requireNonNull(bindings, "'bindings' must not be null");
			return this;
		}

		/**
		 * Sets the mapper that converts values crossing the sandbox boundary.
		 * @param jsonMapper the mapper
		 * @return this builder
		 */
		public Builder jsonMapper(JsonMapper jsonMapper) {
			this.jsonMapper = Objects.requireNonNull(jsonMapper, "'jsonMapper' must not be null");
			return this;
		}

		/**
		 * Sets the number of platform threads that run guest code.
		 * @param threads the thread count
		 * @return this builder
		 */
		public Builder threads(int threads) {
			if (threads < 1) {
				throw new IllegalArgumentException("'threads' must be at least 1, but was " + threads);
			}
			this.threads = threads;
			return this;
		}

		/**
		 * Sets the stack size of the sandbox threads, which bounds guest recursion.
		 * @param bytes the stack size in bytes
		 * @return this builder
		 */
		public Builder stackSize(long bytes) {
			if (bytes < 256 * 1024) {
				throw new IllegalArgumentException("'stackSize' must be at least 256 KiB, but was " + bytes);
			}
			this.stackSize = bytes;
			return this;
		}

		/**
		 * Sets how often the watchdog checks running invocations against their quotas.
		 * @param interval the interval
		 * @return this builder
		 */
		public Builder watchdogInterval(Duration interval) {
			if (interval.isNegative() || interval.isZero()) {
				throw new IllegalArgumentException("'watchdogInterval' must be positive, but was " + interval);
			}
			this.watchdogInterval = interval;
			return this;
		}

		/**
		 * Sets the number of parsed sources kept in the cache.
		 * @param size the maximum number of entries
		 * @return this builder
		 */
		public Builder sourceCacheSize(long size) {
			this.sourceCacheSize = size;
			return this;
		}

		/**
		 * Sets the estimated heap the parse cache may retain, in bytes (about
		 * {@value GraalWorkerLoader#RETAINED_BYTES_PER_CHAR} bytes per source character).
		 * Defaults to an eighth of the maximum heap.
		 * @param bytes the maximum estimated retained size
		 * @return this builder
		 */
		public Builder sourceCacheWeight(long bytes) {
			if (bytes < 0) {
				throw new IllegalArgumentException("'sourceCacheWeight' must not be negative, but was " + bytes);
			}
			this.sourceCacheWeight = bytes;
			return this;
		}

		/**
		 * Sets how long a killed invocation may take to stop before its caller is
		 * answered and its thread abandoned and replaced. Long built-ins such as
		 * {@code JSON.stringify} of a graph of shared references can ignore cancellation
		 * for seconds.
		 * @param grace the grace
		 * @return this builder
		 */
		public Builder killGrace(Duration grace) {
			if (grace.isNegative() || grace.isZero()) {
				throw new IllegalArgumentException("'killGrace' must be positive, but was " + grace);
			}
			this.killGrace = grace;
			return this;
		}

		/**
		 * Builds the loader. The engine warms up in the background.
		 * @return the loader
		 */
		public GraalWorkerLoader build() {
			return new GraalWorkerLoader(this);
		}

	}

}
