package dev.workerloader.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.workerloader.WorkerCode;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of the Worker Loader: the policies workers run under, the
 * Spring beans offered as bindings, and the sandbox engine settings.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@ConfigurationProperties(WorkerLoaderProperties.CONFIG_PREFIX)
public class WorkerLoaderProperties {

	/**
	 * The prefix of all Worker Loader properties.
	 */
	public static final String CONFIG_PREFIX = "worker-loader";

	/**
	 * Whether to auto-configure the worker loader.
	 */
	private boolean enabled = true;

	/**
	 * Named policies a worker can run under, by name. Each worker names its policy; the
	 * one named 'default' is used when it does not.
	 */
	private final Map<String, Policy> policies = new LinkedHashMap<>(Map.of(WorkerCode.DEFAULT_POLICY, new Policy()));

	/**
	 * Beans offered to workers as env bindings, by binding name, in addition to beans
	 * annotated with @WorkerBinding.
	 */
	private final Map<String, Binding> bindings = new LinkedHashMap<>();

	/**
	 * Whether startup fails when GraalJS would run guest code in its interpreter instead
	 * of the optimizing JIT (JDK 17 or 21, no JVMCI, compiler jars missing or newer than
	 * the JDK). When false, startup logs one WARN saying why and what to add.
	 */
	private boolean requireJit;

	private final Sandbox sandbox = new Sandbox();

	private final Pool pool = new Pool();

	private final Cache cache = new Cache();

	private final Kept kept = new Kept();

	private final ProcessTier process = new ProcessTier();

	private final Audit audit = new Audit();

	private final Kv kv = new Kv();

	private final RateLimits rateLimits = new RateLimits();

	private final CodeMode codeMode = new CodeMode();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isRequireJit() {
		return this.requireJit;
	}

	public void setRequireJit(boolean requireJit) {
		this.requireJit = requireJit;
	}

	public Map<String, Policy> getPolicies() {
		return this.policies;
	}

	public Map<String, Binding> getBindings() {
		return this.bindings;
	}

	public Sandbox getSandbox() {
		return this.sandbox;
	}

	public Pool getPool() {
		return this.pool;
	}

	public Audit getAudit() {
		return this.audit;
	}

	public Kept getKept() {
		return this.kept;
	}

	public ProcessTier getProcess() {
		return this.process;
	}

	public Cache getCache() {
		return this.cache;
	}

	public Kv getKv() {
		return this.kv;
	}

	public RateLimits getRateLimits() {
		return this.rateLimits;
	}

	public CodeMode getCodeMode() {
		return this.codeMode;
	}

	/**
	 * A named policy: the allowlist a worker is checked against before its sandbox is
	 * created. Values that are not set are taken from the base policy, then from the
	 * built-in defaults.
	 */
	public static class Policy {

		/**
		 * Name of the policy whose values this one inherits when it does not set them.
		 * Lists and maps are inherited as a whole, not merged.
		 */
		private @Nullable String basePolicy;

		/**
		 * Binding names a worker of this policy may receive in env. '*' grants every
		 * binding. Enable with care: each binding is host code the untrusted guest can
		 * call.
		 */
		private @Nullable List<String> bindings;

		/**
		 * Read-only configuration strings every worker of this policy gets as env.NAME,
		 * by name. The engine never prints env, but a var the guest read is an ordinary
		 * string it can put in errors, logs and results: use secrets for credentials.
		 */
		private @Nullable Map<String, String> vars;

		/**
		 * Secret strings every worker of this policy can read as env.NAME, by name, at
		 * least 8 characters each. They are redacted from every text leaving the sandbox:
		 * errors, logs, audit events, the host log and results. Values may use ${...}
		 * placeholders to take them from the environment.
		 */
		private @Nullable Map<String, String> secrets;

		/**
		 * Whether secrets may appear in the results of calls; they are still redacted
		 * from errors and logs. Enable with care: the caller then sees every secret the
		 * guest returns.
		 */
		private @Nullable Boolean revealSecretsInResults;

		private final Limits limits = new Limits();

		private final Outbound outbound = new Outbound();

		private final RateLimit rateLimit = new RateLimit();

		public @Nullable String getBasePolicy() {
			return this.basePolicy;
		}

		public void setBasePolicy(@Nullable String basePolicy) {
			this.basePolicy = basePolicy;
		}

		public @Nullable List<String> getBindings() {
			return this.bindings;
		}

		public void setBindings(@Nullable List<String> bindings) {
			this.bindings = bindings;
		}

		public @Nullable Map<String, String> getVars() {
			return this.vars;
		}

		public void setVars(@Nullable Map<String, String> vars) {
			this.vars = vars;
		}

		public @Nullable Map<String, String> getSecrets() {
			return this.secrets;
		}

		public void setSecrets(@Nullable Map<String, String> secrets) {
			this.secrets = secrets;
		}

		public @Nullable Boolean getRevealSecretsInResults() {
			return this.revealSecretsInResults;
		}

		public void setRevealSecretsInResults(@Nullable Boolean revealSecretsInResults) {
			this.revealSecretsInResults = revealSecretsInResults;
		}

		public Limits getLimits() {
			return this.limits;
		}

		public Outbound getOutbound() {
			return this.outbound;
		}

		public RateLimit getRateLimit() {
			return this.rateLimit;
		}

		/**
		 * Where workers of this policy run: 'in-process' (GraalJS sandboxes in this JVM)
		 * or 'process' (child JVMs with a heap of their own, an empty environment and no
		 * network). Inherited from the base policy; in-process when neither sets it.
		 */
		private @Nullable Isolation isolation;

		private final WorkerHosts process = new WorkerHosts();

		/**
		 * Default time zone of the guest's Date and Intl, such as 'Europe/Paris'.
		 * Inherited from the base policy; UTC when neither sets it, as on Cloudflare,
		 * whatever the JVM's zone.
		 */
		private @Nullable String timeZone;

		public @Nullable String getTimeZone() {
			return this.timeZone;
		}

		public void setTimeZone(@Nullable String timeZone) {
			this.timeZone = timeZone;
		}

		public @Nullable Isolation getIsolation() {
			return this.isolation;
		}

		public void setIsolation(@Nullable Isolation isolation) {
			this.isolation = isolation;
		}

		public WorkerHosts getProcess() {
			return this.process;
		}

	}

	/**
	 * Where the workers of a policy run (issue 16).
	 */
	public enum Isolation {

		/**
		 * In GraalJS sandboxes in the application's JVM.
		 */
		IN_PROCESS,

		/**
		 * In child JVMs ("worker hosts") supervised by the application.
		 */
		PROCESS

	}

	/**
	 * The worker hosts of a policy whose isolation is 'process'.
	 */
	public static class WorkerHosts {

		/**
		 * Maximum heap of a worker host JVM (-Xmx), at least 64MB. Workers of policies
		 * with the same heap share hosts. Inherited from the base policy; 256MB when
		 * neither sets it.
		 */
		private @Nullable DataSize maxHeap;

		public @Nullable DataSize getMaxHeap() {
			return this.maxHeap;
		}

		public void setMaxHeap(@Nullable DataSize maxHeap) {
			this.maxHeap = maxHeap;
		}

	}

	/**
	 * The limits of a policy. Quotas apply per invocation; sizes are checked before any
	 * code is compiled.
	 */
	public static class Limits {

		/**
		 * CPU time one invocation may use.
		 */
		private @Nullable Duration cpuTime;

		/**
		 * Elapsed time one invocation may take, including awaiting host calls.
		 */
		private @Nullable Duration wallTime;

		/**
		 * Memory one invocation may allocate, garbage included.
		 */
		private @Nullable DataSize memory;

		/**
		 * Size of one invocation's result, as JSON.
		 */
		private @Nullable DataSize output;

		/**
		 * Guest statements a worker may execute, or 0 for no statement limit.
		 */
		private @Nullable Long statements;

		/**
		 * Total characters of all modules of a worker.
		 */
		private @Nullable Long codeSize;

		/**
		 * Number of modules a worker may have.
		 */
		private @Nullable Integer modules;

		/**
		 * Characters of a worker's env data, as JSON.
		 */
		private @Nullable Long envSize;

		/**
		 * Console output kept per invocation.
		 */
		private @Nullable DataSize logSize;

		/**
		 * Deepest bracket nesting allowed in any module.
		 */
		private @Nullable Integer nestingDepth;

		public @Nullable Duration getCpuTime() {
			return this.cpuTime;
		}

		public void setCpuTime(@Nullable Duration cpuTime) {
			this.cpuTime = cpuTime;
		}

		public @Nullable Duration getWallTime() {
			return this.wallTime;
		}

		public void setWallTime(@Nullable Duration wallTime) {
			this.wallTime = wallTime;
		}

		public @Nullable DataSize getMemory() {
			return this.memory;
		}

		public void setMemory(@Nullable DataSize memory) {
			this.memory = memory;
		}

		public @Nullable DataSize getOutput() {
			return this.output;
		}

		public void setOutput(@Nullable DataSize output) {
			this.output = output;
		}

		public @Nullable Long getStatements() {
			return this.statements;
		}

		public void setStatements(@Nullable Long statements) {
			this.statements = statements;
		}

		public @Nullable Long getCodeSize() {
			return this.codeSize;
		}

		public void setCodeSize(@Nullable Long codeSize) {
			this.codeSize = codeSize;
		}

		public @Nullable Integer getModules() {
			return this.modules;
		}

		public void setModules(@Nullable Integer modules) {
			this.modules = modules;
		}

		public @Nullable Long getEnvSize() {
			return this.envSize;
		}

		public void setEnvSize(@Nullable Long envSize) {
			this.envSize = envSize;
		}

		public @Nullable DataSize getLogSize() {
			return this.logSize;
		}

		public void setLogSize(@Nullable DataSize logSize) {
			this.logSize = logSize;
		}

		public @Nullable Integer getNestingDepth() {
			return this.nestingDepth;
		}

		public void setNestingDepth(@Nullable Integer nestingDepth) {
			this.nestingDepth = nestingDepth;
		}

	}

	/**
	 * What a policy's workers may reach with fetch().
	 */
	public static class Outbound {

		/**
		 * Hosts fetch() may reach: exact names or '*.example.com' patterns, optionally
		 * with scheme and port. Enable with care: every listed host can receive data from
		 * untrusted code.
		 */
		private @Nullable List<String> allowedHosts;

		/**
		 * Name of the OutboundHandler bean that sees, and may refuse or rewrite, every
		 * outbound request.
		 */
		private @Nullable String handler;

		/**
		 * Subrequests one invocation may make with fetch(), each redirect hop counting as
		 * one.
		 */
		private @Nullable Integer maxRequests;

		/**
		 * Size of one fetch() response body.
		 */
		private @Nullable DataSize maxResponseSize;

		/**
		 * Time one fetch() may take, redirects included.
		 */
		private @Nullable Duration timeout;

		public @Nullable Integer getMaxRequests() {
			return this.maxRequests;
		}

		public void setMaxRequests(@Nullable Integer maxRequests) {
			this.maxRequests = maxRequests;
		}

		public @Nullable DataSize getMaxResponseSize() {
			return this.maxResponseSize;
		}

		public void setMaxResponseSize(@Nullable DataSize maxResponseSize) {
			this.maxResponseSize = maxResponseSize;
		}

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = timeout;
		}

		public @Nullable List<String> getAllowedHosts() {
			return this.allowedHosts;
		}

		public void setAllowedHosts(@Nullable List<String> allowedHosts) {
			this.allowedHosts = allowedHosts;
		}

		public @Nullable String getHandler() {
			return this.handler;
		}

		public void setHandler(@Nullable String handler) {
			this.handler = handler;
		}

	}

	/**
	 * A token bucket per client for a policy's worker loads and calls. Not limited when
	 * capacity is not set.
	 */
	public static class RateLimit {

		/**
		 * Loads and calls a client may make at once, its largest burst.
		 */
		private @Nullable Long capacity;

		/**
		 * Tokens a client gets back every refill period. When not set, the capacity.
		 */
		private @Nullable Long refillTokens;

		/**
		 * Period over which refill-tokens are given back, spread evenly.
		 */
		private @Nullable Duration refillPeriod;

		public @Nullable Long getCapacity() {
			return this.capacity;
		}

		public void setCapacity(@Nullable Long capacity) {
			this.capacity = capacity;
		}

		public @Nullable Long getRefillTokens() {
			return this.refillTokens;
		}

		public void setRefillTokens(@Nullable Long refillTokens) {
			this.refillTokens = refillTokens;
		}

		public @Nullable Duration getRefillPeriod() {
			return this.refillPeriod;
		}

		public void setRefillPeriod(@Nullable Duration refillPeriod) {
			this.refillPeriod = refillPeriod;
		}

	}

	/**
	 * Settings of the KV binding, env.KV.
	 */
	public static class Kv {

		/**
		 * Whether to offer the KV binding. Workers still need KV in their policy's
		 * bindings.
		 */
		private boolean enabled = true;

		/**
		 * Size of one key, in UTF-8.
		 */
		private DataSize maxKeySize = DataSize.ofBytes(512);

		/**
		 * Size of one value, in UTF-8.
		 */
		private DataSize maxValueSize = DataSize.ofKilobytes(64);

		/**
		 * Keys one namespace (one worker id, or one explicit namespace) may hold.
		 */
		private long maxKeys = 1000;

		/**
		 * Size of all keys and values of one namespace, in UTF-8.
		 */
		private DataSize maxBytes = DataSize.ofMegabytes(10);

		/**
		 * Operations one batch may hold.
		 */
		private int maxBatchSize = 128;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public DataSize getMaxKeySize() {
			return this.maxKeySize;
		}

		public void setMaxKeySize(DataSize maxKeySize) {
			this.maxKeySize = maxKeySize;
		}

		public DataSize getMaxValueSize() {
			return this.maxValueSize;
		}

		public void setMaxValueSize(DataSize maxValueSize) {
			this.maxValueSize = maxValueSize;
		}

		public long getMaxKeys() {
			return this.maxKeys;
		}

		public void setMaxKeys(long maxKeys) {
			this.maxKeys = maxKeys;
		}

		public DataSize getMaxBytes() {
			return this.maxBytes;
		}

		public void setMaxBytes(DataSize maxBytes) {
			this.maxBytes = maxBytes;
		}

		public int getMaxBatchSize() {
			return this.maxBatchSize;
		}

		public void setMaxBatchSize(int maxBatchSize) {
			this.maxBatchSize = maxBatchSize;
		}

	}

	/**
	 * Code Mode as tools for language models (Spring AI).
	 */
	public static class CodeMode {

		/**
		 * Code Mode tools offered to Spring AI chat models, by name: each runs the
		 * model's JavaScript in a fresh worker of its policy.
		 */
		private final Map<String, Tool> tools = new LinkedHashMap<>();

		public Map<String, Tool> getTools() {
			return this.tools;
		}

	}

	/**
	 * One Code Mode tool: the policy its code runs under, the name and description the
	 * model sees, and the size of its answer.
	 */
	public static class Tool {

		/**
		 * Name of the policy the model's code runs under. When not set, the tool's own
		 * name.
		 */
		private @Nullable String policy;

		/**
		 * Name of the tool as the model sees it. When not set, 'run_javascript' for a
		 * single tool, otherwise 'run_javascript_' and the tool's name.
		 */
		private @Nullable String toolName;

		/**
		 * What the tool is for, in words for the model; the TypeScript declarations of
		 * the policy's bindings are appended.
		 */
		private @Nullable String description;

		/**
		 * Size of the JSON answer the model receives; a longer result or log is cut with
		 * a visible marker.
		 */
		private DataSize maxResultSize = DataSize.ofKilobytes(16);

		public @Nullable String getPolicy() {
			return this.policy;
		}

		public void setPolicy(@Nullable String policy) {
			this.policy = policy;
		}

		public @Nullable String getToolName() {
			return this.toolName;
		}

		public void setToolName(@Nullable String toolName) {
			this.toolName = toolName;
		}

		public @Nullable String getDescription() {
			return this.description;
		}

		public void setDescription(@Nullable String description) {
			this.description = description;
		}

		public DataSize getMaxResultSize() {
			return this.maxResultSize;
		}

		public void setMaxResultSize(DataSize maxResultSize) {
			this.maxResultSize = maxResultSize;
		}

	}

	/**
	 * A bean offered to workers as an env binding.
	 */
	public static class Binding {

		/**
		 * Name of the bean behind the binding.
		 */
		private @Nullable String bean;

		/**
		 * Interface whose methods the guest may call. When not set, the bean's methods
		 * annotated with @WorkerMethod.
		 */
		private @Nullable Class<?> exposedAs;

		public @Nullable String getBean() {
			return this.bean;
		}

		public void setBean(@Nullable String bean) {
			this.bean = bean;
		}

		public @Nullable Class<?> getExposedAs() {
			return this.exposedAs;
		}

		public void setExposedAs(@Nullable Class<?> exposedAs) {
			this.exposedAs = exposedAs;
		}

	}

	/**
	 * Settings of the sandbox engine.
	 */
	public static class Sandbox {

		/**
		 * Number of platform threads that run guest code. When not set, four per
		 * available processor, at least four.
		 */
		private @Nullable Integer threads;

		/**
		 * Stack size of the sandbox threads, which bounds guest recursion.
		 */
		private DataSize stackSize = DataSize.ofMegabytes(4);

		/**
		 * How often the watchdog checks running invocations against their quotas.
		 */
		private Duration watchdogInterval = Duration.ofMillis(2);

		/**
		 * How long a killed invocation may take to stop before its caller is answered
		 * with the quota exceeded and its thread is abandoned and replaced.
		 */
		private Duration killGrace = Duration.ofMillis(100);

		/**
		 * Fraction of the maximum heap that, when still in use after a garbage
		 * collection, makes the heap guard stop the worker allocating the most.
		 */
		private double heapGuardThreshold = 0.85;

		public @Nullable Integer getThreads() {
			return this.threads;
		}

		public void setThreads(@Nullable Integer threads) {
			this.threads = threads;
		}

		public DataSize getStackSize() {
			return this.stackSize;
		}

		public void setStackSize(DataSize stackSize) {
			this.stackSize = stackSize;
		}

		public Duration getWatchdogInterval() {
			return this.watchdogInterval;
		}

		public void setWatchdogInterval(Duration watchdogInterval) {
			this.watchdogInterval = watchdogInterval;
		}

		public Duration getKillGrace() {
			return this.killGrace;
		}

		public void setKillGrace(Duration killGrace) {
			this.killGrace = killGrace;
		}

		public double getHeapGuardThreshold() {
			return this.heapGuardThreshold;
		}

		public void setHeapGuardThreshold(double heapGuardThreshold) {
			this.heapGuardThreshold = heapGuardThreshold;
		}

	}

	/**
	 * Settings of the pool of pre-initialized sandbox contexts.
	 */
	public static class Pool {

		/**
		 * Smallest number of pre-initialized contexts kept ready, or 0 to disable the
		 * pool.
		 */
		private int min = 2;

		/**
		 * Largest number of pre-initialized contexts kept ready.
		 */
		private int max = 64;

		public int getMin() {
			return this.min;
		}

		public void setMin(int min) {
			this.min = min;
		}

		public int getMax() {
			return this.max;
		}

		public void setMax(int max) {
			this.max = max;
		}

	}

	/**
	 * Settings of the cache of parsed sources.
	 */
	public static class Cache {

		/**
		 * Number of parsed sources kept, so that identical code is parsed once.
		 */
		private long maxSize = 1024;

		/**
		 * Estimated heap the parsed sources may retain, about 24 bytes per source
		 * character. When not set, an eighth of the maximum heap.
		 */
		private @Nullable DataSize maxWeight;

		public @Nullable DataSize getMaxWeight() {
			return this.maxWeight;
		}

		public void setMaxWeight(@Nullable DataSize maxWeight) {
			this.maxWeight = maxWeight;
		}

		public long getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(long maxSize) {
			this.maxSize = maxSize;
		}

	}

	/**
	 * The worker host processes of policies with isolation 'process' (issue 16).
	 */
	public static class ProcessTier {

		/**
		 * Warm worker hosts per host heap size; workers are placed on the least busy.
		 */
		private int hostsPerPool = 2;

		/**
		 * How long past a policy's wall-time limit a host may take to answer before it is
		 * killed as unresponsive.
		 */
		private Duration grace = Duration.ofSeconds(2);

		/**
		 * How long a worker host may take to start and connect.
		 */
		private Duration startTimeout = Duration.ofSeconds(60);

		public int getHostsPerPool() {
			return this.hostsPerPool;
		}

		public void setHostsPerPool(int hostsPerPool) {
			this.hostsPerPool = hostsPerPool;
		}

		public Duration getGrace() {
			return this.grace;
		}

		public void setGrace(Duration grace) {
			this.grace = grace;
		}

		public Duration getStartTimeout() {
			return this.startTimeout;
		}

		public void setStartTimeout(Duration startTimeout) {
			this.startTimeout = startTimeout;
		}

	}

	/**
	 * Workers kept warm by get(id, ...), per client.
	 */
	public static class Kept {

		/**
		 * Most workers kept at once, over all clients; a rarely used one is closed to
		 * keep one more.
		 */
		private long maxWorkers = 1000;

		/**
		 * How long a kept worker may go without being asked for before it is closed.
		 */
		private Duration idleTimeout = Duration.ofMinutes(30);

		public long getMaxWorkers() {
			return this.maxWorkers;
		}

		public void setMaxWorkers(long maxWorkers) {
			this.maxWorkers = maxWorkers;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

	}

	/**
	 * Audit trail of worker loads and invocations.
	 */
	public static class Audit {

		/**
		 * Whether every load and invocation is published as an AuditApplicationEvent,
		 * stored in the AuditEventRepository when there is one. Needs Actuator.
		 */
		private boolean enabled = true;

		/**
		 * Where audit events go: 'repository' is the application's AuditEventRepository
		 * (or the log without one); 'jdbc' stores them in the DataSource's
		 * worker_audit_event table, shared by every instance and kept across restarts.
		 */
		private Store store = Store.REPOSITORY;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Store getStore() {
			return this.store;
		}

		public void setStore(Store store) {
			this.store = store;
		}

		/**
		 * Where audit events go.
		 */
		public enum Store {

			/**
			 * The application's AuditEventRepository, or the 'dev.workerloader.audit' log
			 * without one.
			 */
			REPOSITORY,

			/**
			 * A JdbcAuditEventRepository over the DataSource (table worker_audit_event).
			 */
			JDBC

		}

	}

	/**
	 * Per-client rate limits of the policies (worker-loader.policies.*.rate-limit).
	 */
	public static class RateLimits {

		/**
		 * Where the token buckets live: 'memory' in each instance (N instances allow N
		 * times the limit), or 'jdbc' in the DataSource (PostgreSQL), one bucket per
		 * client and policy across every instance.
		 */
		private Store store = Store.MEMORY;

		public Store getStore() {
			return this.store;
		}

		public void setStore(Store store) {
			this.store = store;
		}

		/**
		 * Where the token buckets live.
		 */
		public enum Store {

			/**
			 * In this JVM.
			 */
			MEMORY,

			/**
			 * In the DataSource's worker_rate_limit table, through Bucket4j's PostgreSQL
			 * proxy manager.
			 */
			JDBC

		}

	}

}
