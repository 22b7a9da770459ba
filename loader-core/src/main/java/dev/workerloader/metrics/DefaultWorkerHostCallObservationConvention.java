package dev.workerloader.metrics;

import dev.workerloader.WorkerListener.HostCall;
import dev.workerloader.metrics.WorkerLoaderObservationDocumentation.HostCallHighCardinalityKeyNames;
import dev.workerloader.metrics.WorkerLoaderObservationDocumentation.HostCallLowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The default convention of the {@code worker.loader.binding} and
 * {@code worker.loader.fetch} observations. Tags carry names only: the binding and its
 * method, the HTTP method, the outcome; a fetch hop's {@code host:port} is
 * high-cardinality (spans only). Never arguments, values, paths or query strings.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class DefaultWorkerHostCallObservationConvention implements ObservationConvention<WorkerHostCallContext> {

	/**
	 * The name of the binding call observation.
	 */
	public static final String BINDING_NAME = "worker.loader.binding";

	/**
	 * The name of the fetch hop observation.
	 */
	public static final String FETCH_NAME = "worker.loader.fetch";

	private final String kind;

	/**
	 * Creates the convention of one kind of host call.
	 * @param kind {@link HostCall#BINDING} or {@link HostCall#FETCH}
	 */
	public DefaultWorkerHostCallObservationConvention(String kind) {
		this.kind = kind;
	}

	/**
	 * Creates the convention of binding calls.
	 */
	public DefaultWorkerHostCallObservationConvention() {
		this(HostCall.BINDING);
	}

	@Override
	public String getName() {
		return HostCall.FETCH.equals(this.kind) ? FETCH_NAME : BINDING_NAME;
	}

	@Override
	public String getContextualName(WorkerHostCallContext context) {
		HostCall call = context.getCall();
		return HostCall.FETCH.equals(call.kind()) ? "fetch " + call.operation()
				: "binding " + call.target() + "." + call.operation();
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof WorkerHostCallContext;
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(WorkerHostCallContext context) {
		HostCall call = context.getCall();
		KeyValues values = KeyValues.of(KeyValue.of(HostCallLowCardinalityKeyNames.POLICY, call.policy()),
				KeyValue.of(HostCallLowCardinalityKeyNames.OUTCOME,
						(context.getFailure() != null) ? context.getFailure() : "success"));
		if (HostCall.FETCH.equals(call.kind())) {
			return values.and(KeyValue.of(HostCallLowCardinalityKeyNames.HTTP_METHOD, call.operation()));
		}
		return values.and(KeyValue.of(HostCallLowCardinalityKeyNames.BINDING, call.target()),
				KeyValue.of(HostCallLowCardinalityKeyNames.BINDING_METHOD, call.operation()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(WorkerHostCallContext context) {
		HostCall call = context.getCall();
		KeyValues values = KeyValues.of(KeyValue.of(HostCallHighCardinalityKeyNames.WORKER_ID, call.workerId()));
		if (HostCall.FETCH.equals(call.kind())) {
			return values.and(KeyValue.of(HostCallHighCardinalityKeyNames.SERVER_ADDRESS, call.target()));
		}
		return values;
	}

}
