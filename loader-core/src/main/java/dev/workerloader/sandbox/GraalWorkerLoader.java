package dev.workerloader.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerListener;
import dev.workerloader.WorkerLoader;
import dev.workerloader.WorkerLoaderStatistics;
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
public final class GraalWorkerLoader implements WorkerLoader, WorkerLoaderStatistics, AutoCloseable {

	private static final Log logger = LogFactory.getLog(GraalWorkerLoader.class);

	private static final String WILDCARD = "*";

	private final PolicyResolver policies;

	private final WorkerListener listener;

	private final Supplier<@Nullable String> clientIdResolver;

	private final ValueCodec codec;

	// Issue 14: policy, env, bindings, modules and the parse cache.
	private final WorkerAssembly assembly;

	private final CompletableFuture<SandboxEngine> engine;

	private final SandboxThreads threads;

	private final Watchdog watchdog;

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
		this.codec = new ValueCodec(builder.jsonMapper);
		this.hostServices = new HostServices(builder.outboundHandlers, builder.rateLimiter, this.codec, 16,
				builder.fetchRelays);
		this.threads = new SandboxThreads(builder.threads, builder.stackSize);
		this.watchdog = new Watchdog(builder.watchdogInterval, builder.killGrace);
		this.assembly = new WorkerAssembly(builder.policies, builder.bindings, this.codec, builder.sourceCacheSize,
				builder.sourceCacheWeight);
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
		WorkerPolicy policy = this.assembly.resolvePolicy(id, code.policy());
		this.hostServices.beforeLoad(id, clientId, policy);
		return assemble(id, code, clientId, policy, false);
	}

	/**
	 * Loads a worker of the start-up warm-up (issue 18) through the real assembly path,
	 * under a built-in policy with the default limits: no rate limit, no listener, no
	 * parse-cache entry, not counted as a load.
	 */
	SandboxWorker loadSynthetic(String id, WorkerCode code) {
		return assemble(id, code, null, StartupWarmUp.POLICY, true);
	}

	private SandboxWorker assemble(String id, WorkerCode code, @Nullable String clientId, WorkerPolicy policy,
			boolean synthetic) {
		WorkerAssembly.Parts parts = this.assembly.assemble(id, code, policy, synthetic);
		// Issue 19: the code can lower its policy's limits, never raise them.
		WorkerLimits limits = (code.limits() != null) ? policy.limits().lowest(code.limits()) : policy.limits();
		Map<String, String> modules = parts.modules();
		List<Source> parseFirst = parts.parseFirst();
		Source mainSource = parts.mainSource();
		String envJson = parts.envJson();
		Map<String, ExposedBinding> granted = parts.granted();
		BindingHost bindingHost = new BindingHost(granted, this.codec);
		// A statement limit and a time zone are fixed when a context is built, so those
		// contexts cannot come from the shared pool (whose guests see UTC): build them
		// here.
		SandboxContext context = (limits.statements() > 0 || policy.timeZone() != null)
				? engine().newContext(limits.statements(), policy.timeZone()) : this.pool.acquire();
		SandboxWorker worker = new SandboxWorker(this, id, policy, codeHash(code), context, this.threads.serial());
		if (synthetic) {
			worker.synthetic();
		}
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
		if (!synthetic) {
			this.loads.incrementAndGet();
		}
		return worker;
	}

	static String codeHash(WorkerCode code) {
		return code.sha256();
	}

	private SandboxEngine engine() {
		return this.engine.join();
	}

	/**
	 * Warms the engine and the loader's own code paths with a synthetic workload through
	 * the real load and call path (issue 18): fresh workers of never-seen code and of
	 * repeated code, sync and async calls, a guest error. Synthetic workers reach no
	 * listener (no metrics, audit or logs), no rate limit and no parse-cache entry. Call
	 * it once at start-up, before the instance takes traffic; it stops after
	 * {@code loads} workers or {@code maxTime}, whichever comes first.
	 * @param loads the largest number of synthetic workers to load
	 * @param maxTime the longest the warm-up may take
	 * @return what the warm-up did
	 */
	public WarmUpResult warmUp(int loads, Duration maxTime) {
		return StartupWarmUp.run(this, loads, maxTime);
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
		return this.assembly.sourceCache();
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

	@Override
	public RateLimitedDescriptor rateLimited() {
		ClientRateLimiter limiter = rateLimiter();
		return new RateLimitedDescriptor(limiter.refusals(), limiter.refusalsByPolicy());
	}

	@Override
	public RateLimitStoreDescriptor rateLimitStore() {
		ClientRateLimiter limiter = rateLimiter();
		return new RateLimitStoreDescriptor(limiter.store().name(), limiter.storeRequests(), limiter.storeTime(),
				limiter.storeFailures());
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

		private java.util.function.@Nullable Supplier<@Nullable FetchRelay> fetchRelays;

		private Builder() {
		}

		/**
		 * Relays every worker's {@code fetch()} instead of running it here: how a worker
		 * host process (issue 16) leaves egress to the application. The policies' allowed
		 * hosts and outbound handlers are then not used by this loader.
		 * @param relays gives the relay of the worker being loaded, called on the thread
		 * that calls {@code load}; {@code null} from it leaves that worker's fetches here
		 * @return this builder
		 */
		public Builder fetchRelays(java.util.function.Supplier<@Nullable FetchRelay> relays) {
			this.fetchRelays = Objects.requireNonNull(relays, "'relays' must not be null");
			return this;
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
		 * {@value WorkerAssembly#RETAINED_BYTES_PER_CHAR} bytes per source character).
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
