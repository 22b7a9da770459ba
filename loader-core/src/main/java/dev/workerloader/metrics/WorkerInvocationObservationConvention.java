package dev.workerloader.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The convention of the {@code worker.loader.execution} observation. Implement it (or
 * extend {@link DefaultWorkerInvocationObservationConvention}) and declare it as a bean
 * to change names or tags.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public interface WorkerInvocationObservationConvention extends ObservationConvention<WorkerInvocationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof WorkerInvocationContext;
	}

}
