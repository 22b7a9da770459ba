package dev.workerloader.actuate.health;

import dev.workerloader.WorkerLoaderStatistics;
import dev.workerloader.WorkerLoaderStatistics.PoolDescriptor;
import dev.workerloader.WorkerLoaderStatistics.RuntimeDescriptor;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the Worker Loader: {@code UP} once the engine is warm (the pool then fills in
 * the background), {@code UNKNOWN} while it warms up, {@code DOWN} with the reason if the
 * engine failed to start.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class WorkerLoaderHealthIndicator extends AbstractHealthIndicator {

	private final WorkerLoaderStatistics loader;

	/**
	 * Creates an indicator for the given loader.
	 * @param loader the statistics of the loader
	 */
	public WorkerLoaderHealthIndicator(WorkerLoaderStatistics loader) {
		super("Worker Loader health check failed");
		this.loader = loader;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Throwable failure = this.loader.startupFailure();
		if (failure != null) {
			builder.down().withDetail("reason", "The GraalJS engine failed to start: " + failure);
			return;
		}
		if (!this.loader.isReady()) {
			builder.unknown().withDetail("reason", "The GraalJS engine is warming up");
			return;
		}
		RuntimeDescriptor runtime = this.loader.runtime();
		PoolDescriptor pool = this.loader.pool();
		builder.up()
			.withDetail("jit", runtime != null && runtime.jit())
			.withDetail("poolIdle", pool.idle())
			.withDetail("poolTarget", pool.target())
			.withDetail("activeWorkers", this.loader.activeWorkers());
	}

}
