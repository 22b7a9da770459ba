package dev.workerloader.metrics;

import dev.workerloader.WorkerListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts worker loads in {@code worker.loader.loads}, tagged {@code policy} and
 * {@code outcome}.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class LoadMetricsListener implements WorkerListener {

	/**
	 * Worker loads, tagged {@code policy} (the configured name) and {@code outcome}
	 * ({@code success}, {@code denied}, {@code load_error}, {@code quota_exceeded},
	 * {@code rate_limited}).
	 */
	public static final String LOADS = "worker.loader.loads";

	private final MeterRegistry registry;

	/**
	 * Creates a listener counting into the given registry.
	 * @param registry the registry
	 */
	public LoadMetricsListener(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void loaded(LoadEvent event) {
		// The policy tag is the name the code asked for; an unknown name is refused
		// ("denied") before it could add unbounded tag values, so we bucket it.
		String policy = WorkerListener.DENIED.equals(event.outcome()) ? "refused" : event.policy();
		Counter.builder(LOADS)
			.description("Worker loads")
			.tag("policy", policy)
			.tag("outcome", event.outcome())
			.register(this.registry)
			.increment();
	}

}
