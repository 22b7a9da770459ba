package dev.workerloader.autoconfigure;

import java.time.Duration;

import dev.workerloader.sandbox.GraalWorkerLoader;
import dev.workerloader.sandbox.WarmUpResult;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;

/**
 * Runs the loader's start-up warm-up (issue 18) as the first {@link ApplicationRunner}.
 * Spring Boot publishes the readiness state {@code ACCEPTING_TRAFFIC} only after every
 * runner has returned, so a load balancer or a Kubernetes readiness probe sends no
 * traffic to the instance before its engine and code paths are compiled; liveness is
 * {@code CORRECT} meanwhile.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class WorkerLoaderWarmUp implements ApplicationRunner, Ordered {

	private final GraalWorkerLoader loader;

	private final int loads;

	private final Duration maxTime;

	private volatile @Nullable WarmUpResult result;

	/**
	 * Creates a warm-up of the given loader.
	 * @param loader the loader
	 * @param loads the most synthetic workers to load
	 * @param maxTime the longest the warm-up may take
	 */
	public WorkerLoaderWarmUp(GraalWorkerLoader loader, int loads, Duration maxTime) {
		this.loader = loader;
		this.loads = loads;
		this.maxTime = maxTime;
	}

	/**
	 * Warms the loader up.
	 * @param args the application's arguments (not used)
	 * @throws IllegalStateException when the GraalJS engine could not start: the instance
	 * would otherwise report itself ready and fail every request
	 */
	@Override
	public void run(ApplicationArguments args) {
		this.result = this.loader.warmUp(this.loads, this.maxTime);
		Throwable failure = this.loader.startupFailure();
		if (failure != null) {
			throw new IllegalStateException("The GraalJS engine of the Worker Loader could not start, so the"
					+ " application does not report itself ready: " + failure.getMessage() + ". Fix the engine"
					+ " option or runtime named there (often a 'polyglot.*' system property or the JVM flags of the"
					+ " Graal JIT), or set 'worker-loader.warm-up.enabled=false' to start without a working loader"
					+ " (its health then reports DOWN).", failure);
		}
	}

	/**
	 * Returns what the warm-up did, once it has run.
	 * @return the result, or {@code null} before it ran
	 */
	public @Nullable WarmUpResult result() {
		return this.result;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
