package dev.workerloader.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.binding.ExposedBinding;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerIsolation;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.process.ProcessWorkerLoader;
import dev.workerloader.sandbox.GraalWorkerLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The process-isolation tier beside the in-process one, in the same run (issue 16): a
 * fresh worker (load, one call, close), a warm call on a kept worker, and an invocation
 * making 100 binding calls (each a round trip to the application on the process tier).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class IsolationBenchmarks {

	@Param({ "in-process", "process" })
	public String tier;

	private AutoCloseable owner;

	private WorkerLoader loader;

	private Worker kept;

	private Worker bindings;

	private WorkerCode tiny;

	@Setup(Level.Trial)
	public void start() throws Exception {
		boolean process = "process".equals(this.tier);
		WorkerPolicy policy = WorkerPolicy.of("default", WorkerLimits.DEFAULTS).withBindings("COUNTER");
		if (process) {
			policy = policy.withIsolation(WorkerIsolation.process(WorkerIsolation.DEFAULT_HOST_HEAP));
		}
		BindingProvider provider = BindingProvider
			.of(ExposedBinding.of("COUNTER", new SandboxBenchmarks.Counter(), null));
		if (process) {
			ProcessWorkerLoader processLoader = ProcessWorkerLoader.builder()
				.policies(PolicyResolver.of(policy))
				.bindings(provider)
				.hostsPerPool(1)
				.build();
			processLoader.warmUp();
			this.loader = processLoader;
			this.owner = processLoader;
		}
		else {
			GraalWorkerLoader inProcess = GraalWorkerLoader.builder()
				.policies(PolicyResolver.of(policy))
				.bindings(provider)
				.build();
			inProcess.awaitReady(Duration.ofMinutes(2));
			this.loader = inProcess;
			this.owner = inProcess;
		}
		this.tiny = WorkerCode.of(Scripts.TINY);
		this.kept = this.loader.get("kept", () -> WorkerCode.of(Scripts.TINY));
		this.bindings = this.loader
			.load(WorkerCode.builder().module("agent.js", Scripts.BINDING_CALLS).env("COUNTER").build());
	}

	@TearDown(Level.Trial)
	public void stop() throws Exception {
		this.bindings.close();
		this.owner.close();
	}

	/** A fresh worker: load a tiny module, call it once, close it. */
	@Benchmark
	public Object freshWorker() {
		try (Worker worker = this.loader.load(this.tiny)) {
			return worker.getEntrypoint().call("run", 1);
		}
	}

	/** One call on a worker kept by get(id): on the process tier, one round trip. */
	@Benchmark
	public Object warmCall() {
		return this.kept.getEntrypoint().call("run", 1);
	}

	/** One invocation making 100 calls to a host binding. */
	@Benchmark
	public Object hundredBindingCalls() {
		return this.bindings.getEntrypoint().call("run");
	}

}
