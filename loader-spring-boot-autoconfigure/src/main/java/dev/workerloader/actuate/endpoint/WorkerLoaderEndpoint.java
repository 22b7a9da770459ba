package dev.workerloader.actuate.endpoint;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.workerloader.QuotaKind;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.WorkerLoader;
import dev.workerloader.WorkerLoaderStatistics;
import dev.workerloader.WorkerLoaderStatistics.CacheDescriptor;
import dev.workerloader.WorkerLoaderStatistics.KeptWorkerDescriptor;
import dev.workerloader.WorkerLoaderStatistics.PoolDescriptor;
import dev.workerloader.WorkerLoaderStatistics.RateLimitStoreDescriptor;
import dev.workerloader.WorkerLoaderStatistics.RateLimitedDescriptor;
import dev.workerloader.WorkerLoaderStatistics.RuntimeDescriptor;
import dev.workerloader.WorkerLoaderStatistics.ThreadsDescriptor;
import dev.workerloader.process.ProcessWorkerLoader;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@link Endpoint @Endpoint} exposing what the sandboxes do: the runtime, the warm pool,
 * quota kills, the parse cache, workers and policies; one kept worker by id; and explicit
 * eviction of a kept worker. Never returns guest source, var values or guest messages.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@Endpoint(id = "workerloader")
public class WorkerLoaderEndpoint {

	private final WorkerLoaderStatistics loader;

	private final WorkerLoader evictor;

	private final @Nullable ProcessWorkerLoader process;

	/**
	 * Creates the endpoint for a loader that is its own statistics view, such as
	 * {@code GraalWorkerLoader}.
	 * @param <L> the loader type
	 * @param loader the loader
	 */
	public <L extends WorkerLoader & WorkerLoaderStatistics> WorkerLoaderEndpoint(L loader) {
		this(loader, loader, null);
	}

	/**
	 * Creates the endpoint.
	 * @param statistics what the read operations show
	 * @param loader the loader whose kept workers the delete operation evicts
	 */
	public WorkerLoaderEndpoint(WorkerLoaderStatistics statistics, WorkerLoader loader) {
		this(statistics, loader, null);
	}

	/**
	 * Creates the endpoint, with the process-isolation tier (issue 16).
	 * @param statistics what the read operations show
	 * @param loader the loader whose kept workers the delete operation evicts
	 * @param process the process-isolation tier, if any
	 */
	public WorkerLoaderEndpoint(WorkerLoaderStatistics statistics, WorkerLoader loader,
			@Nullable ProcessWorkerLoader process) {
		this.loader = statistics;
		this.evictor = loader;
		this.process = process;
	}

	/**
	 * Returns the state of the loader.
	 * @return the descriptor
	 */
	@ReadOperation
	public WorkerLoaderDescriptor workerLoader() {
		Map<QuotaKind, Long> kills = new EnumMap<>(this.loader.quotaKills());
		long total = kills.values().stream().mapToLong(Long::longValue).sum();
		Map<String, PolicyDescriptor> policies = new LinkedHashMap<>();
		for (WorkerPolicy policy : this.loader.policies()) {
			policies.put(policy.name(), PolicyDescriptor.of(policy));
		}
		return new WorkerLoaderDescriptor(this.loader.runtime(), this.loader.isReady(), this.loader.pool(),
				new QuotaKillsDescriptor(total, kills), this.loader.sourceCache(),
				new WorkersDescriptor(this.loader.activeWorkers(), this.loader.keptWorkers(), this.loader.loadCount(),
						List.copyOf(this.loader.keptWorkerIds()), this.loader.keptEvictions()),
				this.loader.threads(), this.loader.rateLimited(), this.loader.rateLimitStore(), policies, hosts());
	}

	private @Nullable WorkerHostsDescriptor hosts() {
		ProcessWorkerLoader process = this.process;
		if (process == null) {
			return null;
		}
		Map<String, Long> restarts = new LinkedHashMap<>();
		process.restarts().forEach((cause, count) -> restarts.put(cause.tag(), count));
		return new WorkerHostsDescriptor(process.network(), process.hosts(),
				restarts.values().stream().mapToLong(Long::longValue).sum(), restarts);
	}

	/**
	 * Returns the workers kept under an id, one per client and code identity.
	 * @param id the worker id
	 * @return the kept workers, or {@code null} (404) if none
	 */
	@ReadOperation
	public @Nullable KeptWorkersDescriptor keptWorker(@Selector String id) {
		List<KeptWorkerDescriptor> workers = this.loader.keptWorker(id);
		return workers.isEmpty() ? null : new KeptWorkersDescriptor(id, workers);
	}

	/**
	 * Closes and forgets the workers kept under an id.
	 * @param id the worker id
	 * @return what was evicted
	 */
	@DeleteOperation
	public EvictionDescriptor evict(@Selector String id) {
		return new EvictionDescriptor(id, this.evictor.evict(id));
	}

	/**
	 * The state of the loader.
	 *
	 * @param runtime GraalJS version, Truffle runtime, JIT and JDK; {@code null} while
	 * the engine warms up
	 * @param ready whether the engine is warm
	 * @param pool the warm pool
	 * @param quotaKills workers stopped by quota
	 * @param bytecodeCache the parsed-source cache
	 * @param workers open and kept workers
	 * @param threads the sandbox threads, with those abandoned by killed workers that did
	 * not stop in time
	 * @param rateLimited loads and calls refused by rate limits
	 * @param rateLimitStore where the buckets live ({@code memory} in this instance,
	 * {@code jdbc} shared by all), with its requests, time and failures (issue 17)
	 * @param policies the policies by name
	 * @param hosts the worker hosts of the process-isolation tier, or {@code null}
	 * without one
	 */
	public record WorkerLoaderDescriptor(@Nullable RuntimeDescriptor runtime, boolean ready, PoolDescriptor pool,
			QuotaKillsDescriptor quotaKills, CacheDescriptor bytecodeCache, WorkersDescriptor workers,
			ThreadsDescriptor threads, RateLimitedDescriptor rateLimited, RateLimitStoreDescriptor rateLimitStore,
			Map<String, PolicyDescriptor> policies,
			@Nullable WorkerHostsDescriptor hosts) implements OperationResponseBody {
	}

	/**
	 * The worker hosts of the process-isolation tier (issue 16).
	 *
	 * @param network how hosts are kept off the network: {@code unshare} (an empty
	 * network namespace) or {@code none}
	 * @param live the live hosts
	 * @param restarts hosts killed and replaced
	 * @param restartsByCause the same, by cause
	 */
	public record WorkerHostsDescriptor(String network, List<ProcessWorkerLoader.HostDescriptor> live, long restarts,
			Map<String, Long> restartsByCause) {
	}

	/**
	 * Workers stopped for exceeding a quota.
	 *
	 * @param total all kills
	 * @param byKind kills by quota
	 */
	public record QuotaKillsDescriptor(long total, Map<QuotaKind, Long> byKind) {
	}

	/**
	 * Open and kept workers.
	 *
	 * @param active workers currently open
	 * @param kept workers kept by {@code get(id)}
	 * @param loaded workers loaded since start
	 * @param keptIds ids of the kept workers
	 * @param keptEvictions kept workers closed because the kept set was full or they were
	 * idle too long
	 */
	public record WorkersDescriptor(int active, int kept, long loaded, List<String> keptIds, long keptEvictions) {
	}

	/**
	 * A policy as operators need to see it: limits, granted binding names, var names
	 * (never their values) and outbound hosts.
	 *
	 * @param limits the limits
	 * @param bindings the granted binding names
	 * @param vars the names of the vars
	 * @param allowedHosts the hosts fetch may reach
	 * @param outboundHandler the outbound handler bean, if any
	 * @param secrets the names of the secrets (never their values)
	 */
	public record PolicyDescriptor(LimitsDescriptor limits, List<String> bindings, List<String> vars,
			List<String> allowedHosts, @Nullable String outboundHandler, List<String> secrets) {

		static PolicyDescriptor of(WorkerPolicy policy) {
			return new PolicyDescriptor(LimitsDescriptor.of(policy.limits()),
					List.copyOf(new TreeSet<>(policy.bindings())), List.copyOf(new TreeSet<>(policy.vars().keySet())),
					policy.allowedHosts(), policy.outboundHandler(),
					List.copyOf(new TreeSet<>(policy.secrets().keySet())));
		}

	}

	/**
	 * The limits of a policy.
	 *
	 * @param cpuTime CPU time per invocation
	 * @param wallTime elapsed time per invocation
	 * @param memoryBytes bytes one invocation may allocate
	 * @param outputBytes size of one result
	 * @param statements statement limit, 0 for none
	 * @param codeSize total characters of code
	 * @param modules number of modules
	 * @param envSize characters of env data
	 * @param logSize console output kept per invocation
	 * @param nestingDepth deepest bracket nesting
	 */
	public record LimitsDescriptor(Duration cpuTime, Duration wallTime, long memoryBytes, long outputBytes,
			long statements, long codeSize, int modules, long envSize, long logSize, int nestingDepth) {

		static LimitsDescriptor of(WorkerLimits limits) {
			return new LimitsDescriptor(limits.cpuTime(), limits.wallTime(), limits.memory(), limits.output(),
					limits.statements(), limits.codeSize(), limits.modules(), limits.envSize(), limits.logSize(),
					limits.nestingDepth());
		}

	}

	/**
	 * The workers kept under one id.
	 *
	 * @param id the id
	 * @param workers one per client and code identity
	 */
	public record KeptWorkersDescriptor(String id,
			List<KeptWorkerDescriptor> workers) implements OperationResponseBody {
	}

	/**
	 * The result of an eviction.
	 *
	 * @param id the id
	 * @param evicted whether a worker was kept under it
	 */
	public record EvictionDescriptor(String id, boolean evicted) implements OperationResponseBody {
	}

}
