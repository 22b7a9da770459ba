package dev.workerloader.process;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerCode.BindingRef;
import dev.workerloader.WorkerHostFailedException;
import dev.workerloader.WorkerHostFailedException.Cause;
import dev.workerloader.WorkerLoadException;
import dev.workerloader.WorkerLoader;
import dev.workerloader.WorkerPolicyException;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.binding.ExposedBinding;
import dev.workerloader.binding.PerWorkerBinding;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerIsolation;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.WorkerListener;
import dev.workerloader.egress.OutboundHandler;
import dev.workerloader.ratelimit.ClientIdResolver;
import dev.workerloader.ratelimit.ClientRateLimiter;
import dev.workerloader.sandbox.BindingDispatcher;
import dev.workerloader.sandbox.CompositeWorkerListener;
import dev.workerloader.sandbox.FetchGateway;
import dev.workerloader.sandbox.CleanThreads;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@link WorkerLoader} whose workers run in child JVMs, "worker hosts" (issue 16): each
 * host has a heap of its own ({@code -Xmx} from the policy), an empty environment, no
 * network where the OS allows it, and the core's classpath only. A pool of warm hosts per
 * heap size runs many workers each; the loader places a worker on the least busy host and
 * keeps {@code get(id)} affinity per client. Policies, allowlists and bindings stay here:
 * a guest's binding call comes back over the host's channel and runs on the caller's
 * thread. A host that crashes, runs out of memory or stops answering within the wall-time
 * limit plus the grace is killed (SIGKILL), its workers fail with a
 * {@link WorkerHostFailedException} naming the cause, and a new host takes its place.
 * <p>
 * Thread-safe. Close it to stop every host.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class ProcessWorkerLoader implements WorkerLoader, AutoCloseable {

	private static final Log logger = LogFactory.getLog(ProcessWorkerLoader.class);

	private static final String WILDCARD = "*";

	private final PolicyResolver policies;

	private final BindingProvider bindings;

	private final Supplier<@Nullable String> clientIdResolver;

	private final JsonMapper mapper;

	private final int hostsPerPool;

	private final Duration grace;

	private final Duration startTimeout;

	private final ClientRateLimiter rateLimiter;

	private final WorkerListener listener;

	private final FetchGateway fetches;

	private final Map<Long, List<WorkerHost>> pools = new ConcurrentHashMap<>();

	private final Map<Cause, AtomicLong> restarts = new EnumMap<>(Cause.class);

	private final AtomicLong hostIds = new AtomicLong();

	private final AtomicLong anonymous = new AtomicLong();

	private final Cache<KeptKey, ProcessWorker> kept;

	private final ExecutorService executor = Executors
		.newCachedThreadPool(CleanThreads.factory("worker-host-async", 0));

	/** Closes kept workers when they expire, as in-process. */
	private final java.util.concurrent.ScheduledExecutorService keptScheduler = Executors
		.newSingleThreadScheduledExecutor(CleanThreads.factory("worker-host-kept", 0));

	private volatile boolean closed;

	private ProcessWorkerLoader(Builder builder) {
		this.policies = builder.policies;
		this.bindings = builder.bindings;
		this.clientIdResolver = builder.clientIdResolver;
		this.mapper = builder.jsonMapper;
		this.hostsPerPool = builder.hostsPerPool;
		this.grace = builder.grace;
		this.startTimeout = builder.startTimeout;
		this.rateLimiter = builder.rateLimiter;
		this.listener = new CompositeWorkerListener(builder.listeners);
		this.fetches = new FetchGateway(builder.outboundHandlers, builder.jsonMapper, 16);
		for (Cause cause : Cause.values()) {
			this.restarts.put(cause, new AtomicLong());
		}
		this.kept = Caffeine.newBuilder()
			.maximumSize(builder.keptMaxWorkers)
			// As in-process: a kept worker nobody asked for within the idle timeout is
			// closed, and its handle in the host released.
			.expireAfterAccess(builder.keptIdleTimeout)
			.scheduler(Scheduler.forScheduledExecutorService(this.keptScheduler))
			.executor(Runnable::run)
			.<KeptKey, ProcessWorker>removalListener((key, worker, cause) -> {
				if (worker != null && cause != RemovalCause.REPLACED) {
					worker.close();
				}
			})
			.build();
	}

	/**
	 * Returns a new builder.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	public Worker load(WorkerCode code) {
		Objects.requireNonNull(code, "'code' must not be null");
		String id = (code.name() != null) ? code.name() : "worker-" + this.anonymous.incrementAndGet();
		String clientId = (code.clientId() != null) ? code.clientId() : this.clientIdResolver.get();
		return loadWorker(id, code, clientId);
	}

	@Override
	public Worker get(String id, Supplier<WorkerCode> code) {
		Objects.requireNonNull(id, "'id' must not be null");
		Objects.requireNonNull(code, "'code' must not be null");
		String clientId = this.clientIdResolver.get();
		return kept(new KeptKey(clientId, id, null), () -> {
			WorkerCode workerCode = code.get();
			return loadWorker(id, workerCode, (workerCode.clientId() != null) ? workerCode.clientId() : clientId);
		});
	}

	@Override
	public Worker get(String id, WorkerCode code) {
		Objects.requireNonNull(id, "'id' must not be null");
		Objects.requireNonNull(code, "'code' must not be null");
		String clientId = (code.clientId() != null) ? code.clientId() : this.clientIdResolver.get();
		return kept(new KeptKey(clientId, id, identity(code)), () -> loadWorker(id, code, clientId));
	}

	/**
	 * Returns the worker kept under the id for the current caller, if any.
	 * @param id the worker id
	 * @return the open kept worker, or {@code null}
	 */
	public @Nullable Worker findKept(String id) {
		ProcessWorker worker = this.kept.getIfPresent(new KeptKey(this.clientIdResolver.get(), id, null));
		return (worker != null && !worker.isClosed()) ? worker : null;
	}

	private Worker kept(KeptKey key, Supplier<ProcessWorker> loader) {
		ProcessWorker worker = this.kept.getIfPresent(key);
		if (worker != null && worker.isClosed()) {
			this.kept.asMap().remove(key, worker);
		}
		return this.kept.get(key, (ignored) -> loader.get());
	}

	private static List<Object> identity(WorkerCode code) {
		List<Object> identity = new ArrayList<>();
		identity.add(code.sha256());
		identity.add(code.policy());
		for (Map.Entry<String, @Nullable Object> entry : code.env().entrySet()) {
			identity.add(entry.getKey());
			Object value = entry.getValue();
			identity.add((value instanceof BindingRef ref)
					? List.of("binding", System.identityHashCode(ref.target()), String.valueOf(ref.exposedAs()))
					: String.valueOf(value));
		}
		identity.add(System.identityHashCode(code.globalOutbound()));
		return identity;
	}

	@Override
	public boolean evict(String id) {
		Objects.requireNonNull(id, "'id' must not be null");
		boolean open = false;
		for (Map.Entry<KeptKey, ProcessWorker> entry : new ArrayList<>(this.kept.asMap().entrySet())) {
			if (entry.getKey().id().equals(id)) {
				open |= !entry.getValue().isClosed();
				this.kept.invalidate(entry.getKey());
			}
		}
		return open;
	}

	private ProcessWorker loadWorker(String id, WorkerCode code, @Nullable String clientId) {
		long start = System.nanoTime();
		try {
			ProcessWorker.checkNesting(id, "loaded");
			ProcessWorker worker = doLoad(id, code, clientId);
			loaded(id, code, clientId, WorkerListener.SUCCESS, null, start);
			return worker;
		}
		catch (RuntimeException ex) {
			QuotaKind quota = (ex instanceof dev.workerloader.WorkerQuotaExceededException exceeded) ? exceeded.kind()
					: null;
			loaded(id, code, clientId, WorkerListener.outcomeOf(ex), quota, start);
			throw ex;
		}
	}

	private void loaded(String id, WorkerCode code, @Nullable String clientId, String outcome,
			@Nullable QuotaKind quota, long start) {
		this.listener.loaded(new WorkerListener.LoadEvent(id, code.policy(), clientId, code.sha256(), outcome, quota,
				Duration.ofNanos(System.nanoTime() - start)));
	}

	private ProcessWorker doLoad(String id, WorkerCode code, @Nullable String clientId) {
		if (this.closed) {
			throw new IllegalStateException("The process worker loader is closed");
		}
		WorkerPolicy policy = this.policies.find(code.policy());
		if (policy == null) {
			throw new WorkerPolicyException(id, code.policy(), "Worker '" + id + "' names policy '" + code.policy()
					+ "', which is not defined. Define it under worker-loader.policies." + code.policy() + ".");
		}
		if (!policy.isolation().isProcess()) {
			throw new WorkerPolicyException(id, policy.name(), "Worker '" + id + "' names policy '" + policy.name()
					+ "', whose workers run in-process: load it with the in-process loader (the tiered loader routes"
					+ " it there), or set worker-loader.policies." + policy.name() + ".isolation to 'process'.");
		}
		// Rate limits and egress stay here, in the application (issue 16).
		this.rateLimiter.acquire(id, policy, clientId, "load");
		FetchGateway.WorkerFetches fetches = this.fetches.forWorker(id, code, policy, this.listener);
		Map<String, ExposedBinding> granted = new LinkedHashMap<>();
		ObjectNode env = this.mapper.createObjectNode();
		ObjectNode methods = this.mapper.createObjectNode();
		String prefix = "worker-loader.policies." + policy.name();
		for (Map.Entry<String, @Nullable Object> entry : code.env().entrySet()) {
			String name = entry.getKey();
			if (entry.getValue() instanceof BindingRef ref) {
				if (!policy.bindings().contains(name) && !policy.bindings().contains(WILDCARD)) {
					throw new WorkerPolicyException(id, policy.name(),
							"Worker '" + id + "' was denied access to binding '" + name + "': policy '" + policy.name()
									+ "' does not list it. If intended, add it to " + prefix + ".bindings.");
				}
				ExposedBinding binding = exposedBinding(id, policy, ref);
				granted.put(name, binding);
				methods.set(name, this.mapper.valueToTree(binding.methodNames()));
			}
			else {
				env.set(name, this.mapper.valueToTree(entry.getValue()));
			}
		}
		ObjectNode request = this.mapper.createObjectNode().put("t", "load");
		// The host enforces the limits; rate limits and outbound rules stay here.
		request.set("policy", this.mapper.valueToTree(
				policy.withIsolation(WorkerIsolation.IN_PROCESS).withRateLimit(null).withOutbound(List.of(), null)));
		ObjectNode frame = request.putObject("code");
		frame.put("id", id).put("main", code.mainModule());
		if (code.compatibilityDate() != null) {
			frame.put("compatibilityDate", code.compatibilityDate());
		}
		if (clientId != null) {
			frame.put("clientId", clientId);
		}
		if (code.limits() != null) {
			// Issue 19: the code may lower its policy's limits; the host applies them.
			frame.set("limits", this.mapper.valueToTree(code.limits()));
		}
		var modules = frame.putArray("modules");
		for (WorkerCode.Module module : code.modules().values()) {
			modules.addObject().put("n", module.name()).put("k", module.type().name()).put("c", module.content());
		}
		frame.set("env", env);
		frame.set("bindings", methods);
		BindingDispatcher dispatcher = new BindingDispatcher(granted, this.mapper, policy.limits().wallTime());
		Duration timeout = policy.limits().wallTime().plus(this.grace);
		WorkerHost host = place(policy.isolation().hostHeap());
		long handle = host.newHandle();
		ProcessWorker worker = new ProcessWorker(id,
				new ProcessWorker.Calls(policy, code.clientId(), this.rateLimiter, fetches,
						(code.limits() != null) ? policy.limits().lowest(code.limits()) : policy.limits(),
						this.listener, clientId, code.sha256()),
				host, handle, dispatcher, timeout, this.executor);
		JsonNode reply;
		try {
			reply = host.request(request, handle, id, timeout, dispatcher, fetches);
		}
		catch (RuntimeException ex) {
			worker.close();
			throw ex;
		}
		if ("error".equals(reply.path("t").asString())) {
			worker.close();
			throw HostErrors.fromFrame(reply, id, policy.name());
		}
		return worker;
	}

	private ExposedBinding exposedBinding(String id, WorkerPolicy policy, BindingRef ref) {
		Object target = ref.target();
		ExposedBinding binding;
		if (target == null) {
			ExposedBinding registered = this.bindings.find(ref.name());
			if (registered == null) {
				throw new WorkerPolicyException(id, policy.name(),
						"Worker '" + id + "' asks for binding '" + ref.name()
								+ "', but no bean provides it (registered: " + new TreeSet<>(this.bindings.names())
								+ "). Annotate a bean with @WorkerBinding(\"" + ref.name()
								+ "\"), or set worker-loader.bindings." + ref.name() + ".bean.");
			}
			binding = registered;
		}
		else {
			try {
				binding = ExposedBinding.of(ref.name(), target, ref.exposedAs());
			}
			catch (IllegalArgumentException ex) {
				throw new WorkerPolicyException(id, policy.name(), "Worker '" + id + "': " + ex.getMessage());
			}
		}
		if (binding.target() instanceof PerWorkerBinding perWorker) {
			// Per-worker bindings (KV) are scoped here, in the application, as
			// in-process.
			Object scoped;
			try {
				scoped = perWorker.forWorker(id);
			}
			catch (IllegalArgumentException | IllegalStateException ex) {
				throw new WorkerLoadException(id,
						"Worker '" + id + "' cannot have binding '" + binding.name() + "': " + ex.getMessage());
			}
			Class<?> type = binding.exposedType().isInterface() ? binding.exposedType() : null;
			return ExposedBinding.of(binding.name(), scoped, type);
		}
		return binding;
	}

	private WorkerHost place(long heap) {
		List<WorkerHost> pool = this.pools.computeIfAbsent(heap, (key) -> new CopyOnWriteArrayList<>());
		synchronized (pool) {
			pool.removeIf((host) -> !host.isAlive() || host.isRetiring());
			while (pool.size() < this.hostsPerPool) {
				pool.add(startHost(heap));
			}
			return pool.stream().min(Comparator.comparingInt(WorkerHost::workers)).orElseThrow();
		}
	}

	private WorkerHost startHost(long heap) {
		try {
			WorkerHost host = WorkerHost.start(this.hostIds.incrementAndGet(), heap, this.mapper, this.startTimeout,
					this::hostFailed);
			host.onRetire(this::hostRetired);
			return host;
		}
		catch (IOException ex) {
			throw new IllegalStateException("A worker host could not be started: " + ex.getMessage()
					+ ". Check that the JVM may start processes and create Unix domain sockets in java.io.tmpdir.", ex);
		}
	}

	private void hostRetired(WorkerHost host) {
		// Kept workers on it are closed, so that it can stop; the next get(id) loads
		// anew.
		this.kept.asMap().values().removeIf((worker) -> worker.host() == host);
		replace(host);
	}

	private void hostFailed(WorkerHost host, Cause cause) {
		this.restarts.get(cause).incrementAndGet();
		this.kept.asMap().values().removeIf((worker) -> worker.host() == host);
		replace(host);
	}

	private void replace(WorkerHost host) {
		List<WorkerHost> pool = this.pools.get(host.heap());
		if (pool != null) {
			pool.remove(host);
			if (!this.closed) {
				// Replace it in the background: the next load finds a warm host.
				this.executor.execute(() -> {
					try {
						synchronized (pool) {
							if (pool.size() < this.hostsPerPool && !this.closed) {
								pool.add(startHost(host.heap()));
							}
						}
					}
					catch (RuntimeException ex) {
						logger.warn("A worker host could not be replaced: " + ex.getMessage());
					}
				});
			}
		}
	}

	/**
	 * Starts the warm hosts of every process policy now instead of on the first load.
	 */
	public void warmUp() {
		for (WorkerPolicy policy : this.policies.policies()) {
			if (policy.isolation().isProcess()) {
				place(policy.isolation().hostHeap());
			}
		}
	}

	/**
	 * Returns the live worker hosts.
	 * @return a snapshot of every host
	 */
	public List<HostDescriptor> hosts() {
		List<HostDescriptor> hosts = new ArrayList<>();
		for (List<WorkerHost> pool : this.pools.values()) {
			for (WorkerHost host : pool) {
				if (host.isAlive()) {
					hosts.add(new HostDescriptor(host.id(), host.pid(), host.heap(), host.workers(), host.started(),
							HostLauncher.network()));
				}
			}
		}
		hosts.sort(Comparator.comparingLong(HostDescriptor::id));
		return hosts;
	}

	/**
	 * Returns how many hosts were killed and replaced, by cause.
	 * @return the counts of every cause
	 */
	public Map<Cause, Long> restarts() {
		Map<Cause, Long> counts = new EnumMap<>(Cause.class);
		this.restarts.forEach((cause, count) -> counts.put(cause, count.get()));
		return counts;
	}

	/**
	 * Returns how worker hosts are kept off the network: {@code unshare} (an empty
	 * network namespace) or {@code none}.
	 * @return the network mode
	 */
	public String network() {
		return HostLauncher.network();
	}

	/**
	 * Returns the policies this loader runs.
	 * @return the process policies
	 */
	public Collection<WorkerPolicy> processPolicies() {
		return this.policies.policies().stream().filter((policy) -> policy.isolation().isProcess()).toList();
	}

	/**
	 * Kills a host as if it had crashed, for tests and operators.
	 * @param hostId the host id
	 * @return whether a live host had that id
	 */
	boolean kill(long hostId) {
		for (List<WorkerHost> pool : this.pools.values()) {
			for (WorkerHost host : pool) {
				if (host.id() == hostId && host.isAlive()) {
					ProcessHandle.of(host.pid()).ifPresent(ProcessHandle::destroyForcibly);
					return true;
				}
			}
		}
		return false;
	}

	@Override
	public void close() {
		this.closed = true;
		this.kept.invalidateAll();
		for (List<WorkerHost> pool : this.pools.values()) {
			pool.forEach(WorkerHost::stop);
		}
		this.executor.shutdownNow();
		this.keptScheduler.shutdownNow();
		this.fetches.close();
	}

	/**
	 * A worker host, as the endpoint shows it.
	 *
	 * @param id the host number
	 * @param pid the process id
	 * @param heap the maximum heap in bytes
	 * @param workers the workers it runs
	 * @param started when it started
	 * @param network how it is kept off the network
	 */
	public record HostDescriptor(long id, long pid, long heap, int workers, Instant started, String network) {
	}

	private record KeptKey(@Nullable String clientId, String id, @Nullable List<Object> identity) {
	}

	/**
	 * Builds a {@link ProcessWorkerLoader}.
	 */
	public static final class Builder {

		private PolicyResolver policies = PolicyResolver.of();

		private BindingProvider bindings = BindingProvider.NONE;

		private Supplier<@Nullable String> clientIdResolver = () -> null;

		private JsonMapper jsonMapper = JsonMapper.builder().build();

		private int hostsPerPool = 2;

		private Duration grace = Duration.ofSeconds(2);

		private Duration startTimeout = Duration.ofSeconds(60);

		private long keptMaxWorkers = 1000;

		private Duration keptIdleTimeout = Duration.ofMinutes(30);

		private ClientRateLimiter rateLimiter = new ClientRateLimiter(ClientIdResolver.NONE);

		private Function<String, @Nullable OutboundHandler> outboundHandlers = (name) -> null;

		private final List<WorkerListener> listeners = new ArrayList<>();

		private Builder() {
		}

		/**
		 * Sets the rate limiter that applies each policy's per-client rate limit to loads
		 * and calls, here in the application (share the in-process loader's, so that both
		 * tiers count against the same buckets).
		 * @param rateLimiter the rate limiter
		 * @return this builder
		 */
		public Builder rateLimiter(ClientRateLimiter rateLimiter) {
			this.rateLimiter = Objects.requireNonNull(rateLimiter, "'rateLimiter' must not be null");
			return this;
		}

		/**
		 * Sets how the {@code OutboundHandler} a policy names in {@code outbound.handler}
		 * is found; relayed fetches run it here, never in the host.
		 * @param handlers returns the handler with the given name, or {@code null}
		 * @return this builder
		 */
		public Builder outboundHandlers(Function<String, @Nullable OutboundHandler> handlers) {
			this.outboundHandlers = Objects.requireNonNull(handlers, "'handlers' must not be null");
			return this;
		}

		/**
		 * Adds a listener of the relayed fetches' hops ({@code worker.loader.fetch}
		 * observations and host-call meters).
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(WorkerListener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "'listener' must not be null"));
			return this;
		}

		/**
		 * Sets the policies.
		 * @param policies the policies
		 * @return this builder
		 */
		public Builder policies(PolicyResolver policies) {
			this.policies = Objects.requireNonNull(policies, "'policies' must not be null");
			return this;
		}

		/**
		 * Sets the registered bindings.
		 * @param bindings the bindings
		 * @return this builder
		 */
		public Builder bindings(BindingProvider bindings) {
			this.bindings = Objects.requireNonNull(bindings, "'bindings' must not be null");
			return this;
		}

		/**
		 * Sets how the caller's client id is found.
		 * @param resolver the resolver
		 * @return this builder
		 */
		public Builder clientIdResolver(Supplier<@Nullable String> resolver) {
			this.clientIdResolver = Objects.requireNonNull(resolver, "'resolver' must not be null");
			return this;
		}

		/**
		 * Sets the JSON mapper of the channel and of values.
		 * @param jsonMapper the mapper
		 * @return this builder
		 */
		public Builder jsonMapper(JsonMapper jsonMapper) {
			this.jsonMapper = Objects.requireNonNull(jsonMapper, "'jsonMapper' must not be null");
			return this;
		}

		/**
		 * Sets how many warm hosts run per host heap size.
		 * @param hosts the number of hosts, at least 1
		 * @return this builder
		 */
		public Builder hostsPerPool(int hosts) {
			if (hosts < 1) {
				throw new IllegalArgumentException("'hostsPerPool' must be at least 1, but was " + hosts);
			}
			this.hostsPerPool = hosts;
			return this;
		}

		/**
		 * Sets how long past the wall-time limit a host may take to answer before it is
		 * killed.
		 * @param grace the grace
		 * @return this builder
		 */
		public Builder grace(Duration grace) {
			Objects.requireNonNull(grace, "'grace' must not be null");
			if (grace.isNegative()) {
				throw new IllegalArgumentException("'grace' must not be negative, but was " + grace);
			}
			this.grace = grace;
			return this;
		}

		/**
		 * Sets how long a host may take to start.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder startTimeout(Duration timeout) {
			this.startTimeout = Objects.requireNonNull(timeout, "'timeout' must not be null");
			return this;
		}

		/**
		 * Sets how many workers {@code get(id)} keeps.
		 * @param maxWorkers the bound
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
		 * @param idleTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder keptIdleTimeout(Duration idleTimeout) {
			Objects.requireNonNull(idleTimeout, "'idleTimeout' must not be null");
			if (idleTimeout.isNegative() || idleTimeout.isZero()) {
				throw new IllegalArgumentException("'keptIdleTimeout' must be positive, but was " + idleTimeout);
			}
			this.keptIdleTimeout = idleTimeout;
			return this;
		}

		/**
		 * Builds the loader; hosts start on the first load or {@link #warmUp()}.
		 * @return the loader
		 */
		public ProcessWorkerLoader build() {
			return new ProcessWorkerLoader(this);
		}

	}

}
