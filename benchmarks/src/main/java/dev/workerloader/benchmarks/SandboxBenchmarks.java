package dev.workerloader.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerMethod;
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
 * In-process costs of the sandbox engine: a fresh worker with and without the warm pool,
 * parse cache hits and misses, warm calls, host binding calls and compute.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class SandboxBenchmarks {

	@Param({ "true", "false" })
	public boolean pooled;

	private GraalWorkerLoader loader;

	private Worker kept;

	private Worker bindings;

	private Worker compute;

	private final AtomicLong unique = new AtomicLong();

	private WorkerCode tiny;

	private WorkerCode large;

	@Setup(Level.Trial)
	public void start() {
		GraalWorkerLoader.Builder builder = GraalWorkerLoader.builder();
		if (!this.pooled) {
			builder.poolMin(0).poolMax(0);
		}
		this.loader = builder.build();
		this.loader.awaitReady(Duration.ofMinutes(2));
		this.tiny = WorkerCode.of(Scripts.TINY);
		this.large = WorkerCode.of(Scripts.large("fixed"));
		this.kept = this.loader.get("kept", () -> WorkerCode.of(Scripts.TINY));
		this.bindings = this.loader
			.load(WorkerCode.builder().module("agent.js", Scripts.BINDING_CALLS).env("COUNTER", new Counter()).build());
		this.compute = this.loader.load(WorkerCode.of(Scripts.FIB_AND_JSON));
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.bindings.close();
		this.compute.close();
		this.loader.close();
	}

	/** A fresh sandbox: load a tiny module (cache hit), call it once, close it. */
	@Benchmark
	public Object freshWorkerTiny() {
		try (Worker worker = this.loader.load(this.tiny)) {
			return worker.getEntrypoint().call("run", 1);
		}
	}

	/** A fresh sandbox for a ~60 KB module whose parse is cached. */
	@Benchmark
	public Object freshWorkerLargeCacheHit() {
		try (Worker worker = this.loader.load(this.large)) {
			return worker.getEntrypoint().call("run", 1);
		}
	}

	/** A fresh sandbox for a ~60 KB module never seen before: parse cache miss. */
	@Benchmark
	public Object freshWorkerLargeCacheMiss() {
		try (Worker worker = this.loader.load(WorkerCode.of(Scripts.large("u" + this.unique.incrementAndGet())))) {
			return worker.getEntrypoint().call("run", 1);
		}
	}

	/** A fresh sandbox for a tiny module never seen before. */
	@Benchmark
	public Object freshWorkerTinyCacheMiss() {
		try (Worker worker = this.loader
			.load(WorkerCode.of("// " + this.unique.incrementAndGet() + "\n" + Scripts.TINY))) {
			return worker.getEntrypoint().call("run", 1);
		}
	}

	/** One call on a worker kept by get(id). */
	@Benchmark
	public Object warmCallOnKeptWorker() {
		return this.kept.getEntrypoint().call("run", 1);
	}

	/** One invocation making 100 calls to a host binding. */
	@Benchmark
	public Object hundredBindingCalls() {
		return this.bindings.getEntrypoint().call("run");
	}

	/** fib(25) plus a JSON round trip of a ~57 KB object built in the sandbox. */
	@Benchmark
	@OutputTimeUnit(TimeUnit.MILLISECONDS)
	public Object fibAndJson() {
		return this.compute.getEntrypoint().call("compute");
	}

	/** The host binding the benchmark calls. */
	public static class Counter {

		@WorkerMethod
		public int add(int value) {
			return value + 1;
		}

	}

}
