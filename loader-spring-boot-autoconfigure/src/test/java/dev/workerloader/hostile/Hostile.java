package dev.workerloader.hostile;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;

import dev.workerloader.LogEntry;
import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerHostFailedException;
import dev.workerloader.WorkerLoader;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.autoconfigure.WorkerLoaderProcessAutoConfiguration;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerIsolation;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.process.ProcessWorkerLoader;
import dev.workerloader.sandbox.GraalWorkerLoader;
import org.junit.jupiter.params.provider.Arguments;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Shared fixture of the hostile suite: a loader whose policies hold a secret var, and the
 * three checks every attack ends with: the outcome (done by each test), the host is alive
 * (a fresh worker answers) and nothing leaked (no secret in what the caller sees, no
 * state in the next worker).
 *
 * @author Worker Loader team
 */
final class Hostile {

	/**
	 * Both tiers, for attacks that run on each (issue 16): in-process, and the process
	 * tier with the {@code default} policy in one worker host. For
	 * {@code @MethodSource("dev.workerloader.hostile.Hostile#tiers")}.
	 * @return the tier name and the properties that select it
	 */
	static Stream<Arguments> tiers() {
		return Stream.of(Arguments.of("in-process", new String[0]), Arguments.of("process", new String[] {
				"worker-loader.policies.default.isolation=process", "worker-loader.process.hosts-per-pool=1" }));
	}

	/**
	 * Returns the runner on the given tier.
	 * @param runner the runner
	 * @param tier the properties of {@link #tiers()}
	 * @return the runner with the process tier's auto-configuration and the properties
	 */
	static ApplicationContextRunner onTier(ApplicationContextRunner runner, String[] tier) {
		return runner.withConfiguration(AutoConfigurations.of(WorkerLoaderProcessAutoConfiguration.class))
			.withPropertyValues(tier);
	}

	/**
	 * The two isolation tiers a hostile test class runs on (issue 16), for
	 * {@code @ParameterizedClass} with
	 * {@code @MethodSource("dev.workerloader.hostile.Hostile#loaderTiers")}: the class
	 * builds one loader per tier with {@link #loader(Tier)}.
	 */
	enum Tier {

		/** A {@link GraalWorkerLoader}: workers run in this JVM. */
		IN_PROCESS("in-process"),

		/**
		 * A {@link ProcessWorkerLoader}: every policy runs its workers in one worker host
		 * (a child JVM with a {@link #HOST_HEAP} heap).
		 */
		PROCESS("process");

		private final String label;

		Tier(String label) {
			this.label = label;
		}

		boolean isProcess() {
			return this == PROCESS;
		}

		@Override
		public String toString() {
			return this.label;
		}

	}

	/**
	 * The heap of the process tier's worker host: modest, as a small production host
	 * would be.
	 */
	static final long HOST_HEAP = 192L * 1024 * 1024;

	/**
	 * Both tiers, for {@code @ParameterizedClass}: one loader per class and tier.
	 * @return the tiers
	 */
	static Stream<Tier> loaderTiers() {
		return Stream.of(Tier.IN_PROCESS, Tier.PROCESS);
	}

	/**
	 * Skips a case of a parameterized test on the process tier unless it is one of the
	 * representative cases that tier runs: a process-tier call costs round trips, and the
	 * cases differ only in guest code that the host's sandbox runs as in-process.
	 * @param tier the tier
	 * @param value the case
	 * @param onProcessTier the cases the process tier runs
	 */
	static void sampleOnProcessTier(Tier tier, String value, String... onProcessTier) {
		org.junit.jupiter.api.Assumptions.assumeTrue(!tier.isProcess() || List.of(onProcessTier).contains(value),
				"a representative subset runs on the process tier");
	}

	/** A secret every policy hands its workers as {@code env.API_KEY}. */
	static final String SECRET = "sk-live-" + UUID.randomUUID();

	/** Quick quotas for runaways: 100 ms CPU, 1 s wall time, 32 MiB allocated. */
	static final WorkerLimits TIGHT = WorkerLimits.DEFAULTS.withCpuTime(Duration.ofMillis(100))
		.withWallTime(Duration.ofSeconds(1))
		.withMemory(32L * 1024 * 1024);

	/** CPU runaways: 100 ms CPU, memory out of the way so that the CPU quota decides. */
	static final WorkerLimits CPU = TIGHT.withWallTime(Duration.ofSeconds(20)).withMemory(4L * 1024 * 1024 * 1024);

	/**
	 * Memory bombs: 32 MiB allocated, time out of the way so that the memory quota
	 * decides.
	 */
	static final WorkerLimits MEMORY = TIGHT.withCpuTime(Duration.ofSeconds(20)).withWallTime(Duration.ofSeconds(20));

	/**
	 * Roomy quotas, so that only the behaviour under test decides: deep recursion unwinds
	 * slowly in the interpreter while the JIT warms up, and must not be a quota kill.
	 */
	static final WorkerLimits ROOMY = WorkerLimits.DEFAULTS.withCpuTime(Duration.ofSeconds(30))
		.withWallTime(Duration.ofSeconds(30))
		.withMemory(4L * 1024 * 1024 * 1024);

	/** Waiting runaways: 300 ms wall time. */
	static final WorkerLimits WALL = WorkerLimits.DEFAULTS.withWallTime(Duration.ofMillis(300));

	private static final String PROBE = "export default { probe() { return {"
			+ " leak: typeof globalThis.leak, polluted: ({}).polluted === undefined && [].polluted === undefined,"
			+ " push: [].push(1), parse: JSON.parse('[1]').length, then: typeof Promise.prototype.then,"
			+ " keyOk: globalThis.API_KEY === undefined }; } }";

	private Hostile() {
	}

	/**
	 * Returns a loader with the policies {@code default}, {@code tight}, {@code cpu},
	 * {@code memory}, {@code wall} and {@code statements}, each granting any binding and
	 * the secret var.
	 */
	static GraalWorkerLoader loader() {
		return loader(GraalWorkerLoader.builder());
	}

	static GraalWorkerLoader loader(GraalWorkerLoader.Builder builder) {
		GraalWorkerLoader loader = builder.policies(PolicyResolver.of(policy("default", WorkerLimits.DEFAULTS),
				policy("tight", TIGHT), policy("cpu", CPU), policy("memory", MEMORY), policy("wall", WALL),
				policy("roomy", ROOMY), policy("statements", WorkerLimits.DEFAULTS.withStatements(1_000_000))))
			.build();
		assertThat(loader.awaitReady(Duration.ofSeconds(60))).isTrue();
		return loader;
	}

	/**
	 * Returns a loader on the given tier with the same policies as {@link #loader()}.
	 * @param tier the tier
	 * @return the loader, ready (the process tier's host is started)
	 */
	static WorkerLoader loader(Tier tier) {
		return loader(tier, (builder) -> {
		}, (builder) -> {
		});
	}

	/**
	 * Returns a loader on the given tier with the same policies as {@link #loader()}.
	 * @param tier the tier
	 * @param inProcess customizes the in-process loader's builder (threads, pool)
	 * @param process customizes the process loader's builder (bindings, kept workers)
	 * @return the loader, ready (the process tier's host is started)
	 */
	static WorkerLoader loader(Tier tier, Consumer<GraalWorkerLoader.Builder> inProcess,
			Consumer<ProcessWorkerLoader.Builder> process) {
		if (!tier.isProcess()) {
			GraalWorkerLoader.Builder builder = GraalWorkerLoader.builder();
			inProcess.accept(builder);
			return loader(builder);
		}
		WorkerIsolation isolation = WorkerIsolation.process(HOST_HEAP);
		ProcessWorkerLoader.Builder builder = ProcessWorkerLoader.builder().hostsPerPool(1);
		process.accept(builder);
		ProcessWorkerLoader loader = builder
			.policies(PolicyResolver.of(policy("default", WorkerLimits.DEFAULTS).withIsolation(isolation),
					policy("tight", TIGHT).withIsolation(isolation), policy("cpu", CPU).withIsolation(isolation),
					policy("memory", MEMORY).withIsolation(isolation), policy("wall", WALL).withIsolation(isolation),
					policy("roomy", ROOMY).withIsolation(isolation),
					policy("statements", WorkerLimits.DEFAULTS.withStatements(1_000_000)).withIsolation(isolation)))
			.build();
		loader.warmUp();
		assertHostAliveAndClean(loader);
		return loader;
	}

	/**
	 * Closes a loader built by {@link #loader(Tier)}; on the process tier this stops its
	 * hosts.
	 * @param loader the loader
	 */
	static void close(WorkerLoader loader) {
		if (loader instanceof ProcessWorkerLoader process) {
			process.close();
		}
		else {
			((GraalWorkerLoader) loader).close();
		}
	}

	/**
	 * Returns the tier of a loader built by {@link #loader(Tier)}.
	 * @param loader the loader
	 * @return its tier
	 */
	static Tier tierOf(WorkerLoader loader) {
		return (loader instanceof ProcessWorkerLoader) ? Tier.PROCESS : Tier.IN_PROCESS;
	}

	/**
	 * Returns the workers open in the loader: in-process its active workers, on the
	 * process tier the workers of its live hosts.
	 * @param loader a loader built by {@link #loader(Tier)}
	 * @return the open workers
	 */
	static int activeWorkers(WorkerLoader loader) {
		if (loader instanceof ProcessWorkerLoader process) {
			return process.hosts().stream().mapToInt(ProcessWorkerLoader.HostDescriptor::workers).sum();
		}
		return ((GraalWorkerLoader) loader).activeWorkers();
	}

	/**
	 * Returns how many worker hosts were killed and replaced, for any cause (always 0
	 * in-process).
	 * @param loader a loader built by {@link #loader(Tier)}
	 * @return the restarts
	 */
	static long hostRestarts(WorkerLoader loader) {
		if (loader instanceof ProcessWorkerLoader process) {
			return process.restarts().values().stream().mapToLong(Long::longValue).sum();
		}
		return 0;
	}

	static WorkerPolicy policy(String name, WorkerLimits limits) {
		return WorkerPolicy.of(name, limits).withBindings("*").withVars(Map.of("API_KEY", SECRET));
	}

	/** A worker whose main module is {@code export default { <methods> }}. */
	static WorkerCode code(String policy, String methods) {
		return WorkerCode.builder().module("agent.js", "export default { " + methods + " }").policy(policy).build();
	}

	/**
	 * The host is alive and clean: a fresh worker answers, and sees none of the globals
	 * or prototype changes an attacker may have made.
	 */
	static void assertHostAliveAndClean(WorkerLoader loader) {
		try (Worker fresh = loader.load(WorkerCode.of(PROBE))) {
			assertThat(fresh.getEntrypoint().call("probe")).isEqualTo(Map.of("leak", "undefined", "polluted", true,
					"push", 1, "parse", 1, "then", "function", "keyOk", true));
		}
	}

	/** Nothing the caller sees of a failure holds the secret. */
	static void assertNoSecret(WorkerException ex) {
		assertThat(ex.getMessage()).doesNotContain(SECRET);
		assertThat(ex.getGuestMessage()).doesNotContain(SECRET);
		assertThat(ex.getGuestStack()).doesNotContain(SECRET);
		for (LogEntry entry : ex.getLogs()) {
			assertThat(entry.message()).doesNotContain(SECRET);
		}
	}

	/**
	 * Runs {@code run()} of a fresh worker of {@code policy} and asserts that it was
	 * stopped for {@code kind} after using at least its limit, that the worker is closed
	 * and that the message holds no secret. A cold JVM may already exceed the quota while
	 * loading: that counts as the same kill.
	 */
	static WorkerQuotaExceededException assertKilled(GraalWorkerLoader loader, String policy, String methods,
			QuotaKind kind) {
		return (WorkerQuotaExceededException) assertKilled(loader, Tier.IN_PROCESS, policy, methods, kind);
	}

	/**
	 * Runs {@code run()} of a fresh worker of {@code policy} on the loader's tier and
	 * asserts that it was stopped, with no secret in what the caller sees and the worker
	 * closed. In-process it must be a {@link WorkerQuotaExceededException} for
	 * {@code kind}, as
	 * {@link #assertKilled(GraalWorkerLoader, String, String, QuotaKind)}. On the process
	 * tier the same, except that a memory bomb may also end as a
	 * {@link WorkerHostFailedException} for {@code OUT_OF_MEMORY}: the host's JVM ran out
	 * of its heap before the allocation budget noticed, and was killed and replaced; any
	 * other outcome fails.
	 * @param loader the loader
	 * @param tier the loader's tier
	 * @param policy the policy
	 * @param methods the methods of the worker, with {@code run()}
	 * @param kind the quota that must stop it
	 * @return the exception
	 */
	static WorkerException assertKilled(WorkerLoader loader, Tier tier, String policy, String methods, QuotaKind kind) {
		WorkerException[] thrown = new WorkerException[1];
		// Whether the killed worker was closed by its kill: read before
		// try-with-resources
		// closes it anyway.
		Boolean[] closedByKill = new Boolean[1];
		long start = System.nanoTime();
		Class<? extends WorkerException> expected = tier.isProcess() ? WorkerException.class
				: WorkerQuotaExceededException.class;
		assertThatExceptionOfType(expected).isThrownBy(() -> {
			try (Worker worker = loader.load(code(policy, methods))) {
				try {
					worker.getEntrypoint().call("run");
				}
				finally {
					closedByKill[0] = worker.isClosed();
				}
			}
		}).satisfies((ex) -> {
			thrown[0] = ex;
			assertNoSecret(ex);
			if (ex instanceof WorkerHostFailedException failed) {
				// Only a memory bomb may take its host down: the host's JVM runs out of
				// its heap before the allocation budget notices.
				assertThat(tier).isEqualTo(Tier.PROCESS);
				assertThat(kind).isEqualTo(QuotaKind.MEMORY);
				assertThat(failed.hostCause()).isEqualTo(WorkerHostFailedException.Cause.OUT_OF_MEMORY);
			}
			else {
				assertThat(ex).isInstanceOf(WorkerQuotaExceededException.class);
				WorkerQuotaExceededException quota = (WorkerQuotaExceededException) ex;
				assertThat(quota.kind()).isEqualTo(kind);
				assertThat(quota.used()).isGreaterThanOrEqualTo(quota.limit());
			}
		});
		if (closedByKill[0] != null) {
			// Loaded, then stopped: the kill closed it (a cold JVM may stop it while it
			// loads, and then there is nothing to ask).
			assertThat(closedByKill[0]).as("the killed worker is closed").isTrue();
		}
		System.out.println("[hostile] " + kind + " kill (policy '" + policy + "', " + tier + ") after "
				+ Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms: " + thrown[0].getMessage());
		return thrown[0];
	}

	/** Runs {@code task} on a daemon thread and fails if it does not end in time. */
	static void assertCompletesWithin(Duration timeout, Runnable task) {
		CompletableFuture<Void> done = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				task.run();
				done.complete(null);
			}
			catch (Throwable ex) {
				done.completeExceptionally(ex);
			}
		}, "hostile-deadline");
		thread.setDaemon(true);
		thread.start();
		assertThat(done).succeedsWithin(timeout);
	}

	static List<String> lines(List<LogEntry> logs) {
		return logs.stream().map(LogEntry::message).toList();
	}

}
