package dev.workerloader.metrics;

import java.util.Locale;

import dev.workerloader.Entrypoint;
import dev.workerloader.QuotaKind;
import dev.workerloader.metrics.WorkerLoaderObservationDocumentation.HighCardinalityKeyNames;
import dev.workerloader.metrics.WorkerLoaderObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * The default convention of the {@code worker.loader.execution} observation.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class DefaultWorkerInvocationObservationConvention implements WorkerInvocationObservationConvention {

	/**
	 * The observation name; the timer is {@code worker.loader.execution} and Prometheus
	 * shows {@code worker_loader_execution_seconds}.
	 */
	public static final String DEFAULT_NAME = "worker.loader.execution";

	@Override
	public String getName() {
		return DEFAULT_NAME;
	}

	@Override
	public String getContextualName(WorkerInvocationContext context) {
		return "worker " + context.getStart().method();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(WorkerInvocationContext context) {
		return KeyValues.of(policy(context), entrypointKind(context), outcome(context), quota(context));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(WorkerInvocationContext context) {
		return KeyValues.of(workerId(context), method(context));
	}

	protected KeyValue policy(WorkerInvocationContext context) {
		return KeyValue.of(LowCardinalityKeyNames.POLICY, context.getStart().policy());
	}

	protected KeyValue entrypointKind(WorkerInvocationContext context) {
		return KeyValue.of(LowCardinalityKeyNames.ENTRYPOINT_KIND,
				Entrypoint.DEFAULT.equals(context.getStart().entrypoint()) ? "default" : "named");
	}

	protected KeyValue outcome(WorkerInvocationContext context) {
		return KeyValue.of(LowCardinalityKeyNames.OUTCOME, context.getOutcome());
	}

	protected KeyValue quota(WorkerInvocationContext context) {
		QuotaKind quota = context.getQuota();
		return KeyValue.of(LowCardinalityKeyNames.QUOTA,
				(quota != null) ? quota.name().toLowerCase(Locale.ROOT) : "none");
	}

	protected KeyValue workerId(WorkerInvocationContext context) {
		return KeyValue.of(HighCardinalityKeyNames.WORKER_ID, context.getStart().workerId());
	}

	protected KeyValue method(WorkerInvocationContext context) {
		return KeyValue.of(HighCardinalityKeyNames.METHOD, context.getStart().method());
	}

}
