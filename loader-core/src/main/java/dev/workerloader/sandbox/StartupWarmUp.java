package dev.workerloader.sandbox;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;

import dev.workerloader.Entrypoint;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerLoader;
import dev.workerloader.codemode.RunResult;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The start-up warm-up (issue 18): a new instance's first requests are slow because
 * neither the engine nor the loader's own Java code is compiled yet. This runs a
 * synthetic workload shaped like agent traffic through the real assembly and call path
 * (never-seen code, repeated code, two modules, sync and async calls, a guest error) so
 * that the JIT has compiled those paths before the instance reports itself ready.
 */
final class StartupWarmUp {

	/** The built-in policy of synthetic workers: default limits, no bindings. */
	static final WorkerPolicy POLICY = WorkerPolicy.of("worker-loader-warm-up", WorkerLimits.DEFAULTS);

	private static final Log logger = LogFactory.getLog(StartupWarmUp.class);

	private static final String UTIL = "export function shape(n, i) { return { n, i, tags: ['a', 'b'].map((t) => t + n),"
			+ " at: new Date(0).toISOString() }; }";

	private StartupWarmUp() {
	}

	static WarmUpResult run(GraalWorkerLoader loader, int loads, Duration maxTime) {
		long start = System.nanoTime();
		long deadline = start + maxTime.toNanos();
		long[] times = new long[Math.max(loads, 0)];
		int done = 0;
		int failures = 0;
		while (done < loads && System.nanoTime() < deadline) {
			long began = System.nanoTime();
			try {
				once(loader, done);
			}
			catch (RuntimeException ex) {
				// A warm-up that cannot run says so once and stops: the loader itself
				// reports the cause on the first real load.
				failures++;
				logger.warn("Worker Loader warm-up stopped after " + done + " synthetic loads: " + ex.getMessage());
				break;
			}
			times[done++] = System.nanoTime() - began;
		}
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		WarmUpResult result = new WarmUpResult(done, elapsed, median(times, 0, Math.min(done, 20)),
				median(times, Math.max(0, done - 20), done), failures == 0 && done < loads);
		logger.info(result.describe());
		return result;
	}

	private static void once(GraalWorkerLoader loader, int i) {
		// Three of four loads are never-seen code (what model output is); the others
		// repeat one code, with two modules.
		boolean repeated = i % 4 == 3;
		String main = repeated
				? "import { shape } from './util.js'; export default { run(p) { return shape(p.n, 0); },"
						+ " async later(p) { const url = new URL('https://example.com/items?n=' + p.n);"
						+ " const body = await new Response(JSON.stringify({ n: url.searchParams.get('n') })).json();"
						+ " return { sum: Number(body.n) + 1, bytes: new TextEncoder().encode(url.href).length }; },"
						+ " fail() { throw new TypeError('warm-up'); } }"
				: "export default { run(p) { const o = { n: p.n, i: " + i + ", list: [1, 2, 3].map((x) => x * p.n) };"
						+ " return JSON.parse(JSON.stringify(o)); }, async later(p) { await Promise.resolve(" + i
						+ "); return { sum: p.n + " + i + " }; }, fail() { throw new RangeError('warm-up " + i
						+ "'); } }";
		if (i % 4 == 1) {
			// Code Mode, as a model's tool call arrives: normalised, loaded, run.
			RunResult run = new SyntheticLoader(loader, i).run("const items = [param.n, " + i
					+ "].map((x) => ({ x, y: x * 2 }));\nconsole.log('items', items.length);\nreturn { items };",
					Map.of("n", i));
			if (run.error() != null) {
				throw new IllegalStateException("The warm-up's Code Mode run failed: " + run.error().name());
			}
			return;
		}
		WorkerCode.Builder code = WorkerCode.builder().module("main.js", main).env("TOKEN_SIZE", 8);
		if (repeated) {
			code.module("util.js", UTIL);
		}
		try (SandboxWorker worker = loader.loadSynthetic("worker-loader-warm-up-" + i, code.build())) {
			Entrypoint entrypoint = worker.getEntrypoint();
			Map<String, Object> param = Map.of("n", i);
			entrypoint.call("run", param);
			entrypoint.callAsync("later", param).join();
			if (i % 8 == 0) {
				try {
					entrypoint.call("fail");
				}
				catch (WorkerException expected) {
					// The guest's error path is part of what real traffic runs.
				}
			}
		}
	}

	/**
	 * Loads every worker synthetically, so that Code Mode's own path is warmed too.
	 */
	private record SyntheticLoader(GraalWorkerLoader loader, int i) implements WorkerLoader {

		@Override
		public Worker load(WorkerCode code) {
			return this.loader.loadSynthetic("worker-loader-warm-up-" + this.i, code);
		}

		@Override
		public Worker get(String id, Supplier<WorkerCode> code) {
			throw new UnsupportedOperationException("The warm-up keeps no workers");
		}

		@Override
		public Worker get(String id, WorkerCode code) {
			throw new UnsupportedOperationException("The warm-up keeps no workers");
		}

		@Override
		public boolean evict(String id) {
			return false;
		}

	}

	private static Duration median(long[] times, int from, int to) {
		if (to <= from) {
			return Duration.ZERO;
		}
		long[] part = Arrays.copyOfRange(times, from, to);
		Arrays.sort(part);
		return Duration.ofNanos(part[part.length / 2]);
	}

}
