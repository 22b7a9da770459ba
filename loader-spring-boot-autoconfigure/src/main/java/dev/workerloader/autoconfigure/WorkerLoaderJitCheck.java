package dev.workerloader.autoconfigure;

import java.time.Duration;

import dev.workerloader.WorkerLoaderStatistics;
import dev.workerloader.WorkerLoaderStatistics.RuntimeDescriptor;
import dev.workerloader.sandbox.GraalWorkerLoader;
import dev.workerloader.sandbox.JitDiagnosis;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Enforces {@code worker-loader.require-jit=true}: once the context's singletons exist,
 * waits for the engine to warm up and fails startup with a
 * {@link WorkerLoaderJitUnavailableException} if it runs interpreted.
 *
 * @author Worker Loader team
 */
class WorkerLoaderJitCheck implements SmartInitializingSingleton {

	private static final Duration WARM_UP = Duration.ofMinutes(2);

	private final WorkerLoaderStatistics loader;

	WorkerLoaderJitCheck(WorkerLoaderStatistics loader) {
		this.loader = loader;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.loader instanceof GraalWorkerLoader graal) {
			graal.awaitReady(WARM_UP);
		}
		RuntimeDescriptor runtime = this.loader.runtime();
		if (runtime == null) {
			// The engine failed to start or is still warming up: the health indicator
			// reports it, and the first load throws.
			return;
		}
		if (!runtime.jit()) {
			throw new WorkerLoaderJitUnavailableException(JitDiagnosis.of(runtime.implementation()));
		}
	}

}
