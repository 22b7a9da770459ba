package dev.workerloader.metrics;

import dev.workerloader.WorkerListener;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Turns every worker invocation into a {@code worker.loader.execution} observation, which
 * Micrometer records as a timer and a long task timer (active invocations), and as a span
 * when tracing is on.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class ObservationWorkerListener implements WorkerListener {

	private static final DefaultWorkerInvocationObservationConvention DEFAULT_CONVENTION = new DefaultWorkerInvocationObservationConvention();

	private final ObservationRegistry registry;

	private final @Nullable WorkerInvocationObservationConvention convention;

	/**
	 * Creates a listener.
	 * @param registry the observation registry
	 * @param convention a custom convention, or {@code null} for the default one
	 */
	public ObservationWorkerListener(ObservationRegistry registry,
			@Nullable WorkerInvocationObservationConvention convention) {
		this.registry = registry;
		this.convention = convention;
	}

	@Override
	public InvocationScope invocationStarted(InvocationStart start) {
		if (this.registry.isNoop()) {
			return InvocationScope.NOOP;
		}
		WorkerInvocationContext context = new WorkerInvocationContext(start);
		Observation observation = WorkerLoaderObservationDocumentation.EXECUTION
			.observation(this.convention, DEFAULT_CONVENTION, () -> context, this.registry)
			.start();
		return (end) -> {
			context.setOutcome(end.outcome());
			context.setQuota(end.quota());
			observation.stop();
		};
	}

}
