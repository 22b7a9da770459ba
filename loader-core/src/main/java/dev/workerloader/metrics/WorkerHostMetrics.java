package dev.workerloader.metrics;

import dev.workerloader.WorkerHostFailedException.Cause;
import dev.workerloader.process.ProcessWorkerLoader;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters of the process-isolation tier (issue 16): the live worker hosts and the hosts
 * killed and replaced, by cause.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class WorkerHostMetrics implements MeterBinder {

	/**
	 * Live worker host processes.
	 */
	public static final String HOSTS = "worker.loader.hosts";

	/**
	 * Worker hosts killed and replaced, tagged {@code cause} ({@code crashed},
	 * {@code out_of_memory}, {@code unresponsive}, {@code protocol}).
	 */
	public static final String HOST_RESTARTS = "worker.loader.hosts.restarts";

	private final ProcessWorkerLoader loader;

	/**
	 * Creates the meters of the given loader.
	 * @param loader the process tier
	 */
	public WorkerHostMetrics(ProcessWorkerLoader loader) {
		this.loader = loader;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(HOSTS, this.loader, (l) -> l.hosts().size())
			.description("Live worker host processes of the process-isolation tier")
			.baseUnit("processes")
			.register(registry);
		for (Cause cause : Cause.values()) {
			FunctionCounter.builder(HOST_RESTARTS, this.loader, (l) -> l.restarts().getOrDefault(cause, 0L))
				.description("Worker hosts killed and replaced")
				.tag("cause", cause.tag())
				.register(registry);
		}
	}

}
