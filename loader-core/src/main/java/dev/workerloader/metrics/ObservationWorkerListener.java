package dev.workerloader.metrics;

import dev.workerloader.WorkerListener;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Turns every worker invocation into a {@code worker.loader.execution} observation, which
 * Micrometer records as a timer and a long task timer (active invocations), and as a span
 * when tracing is on. The observation is a child of the caller's current observation (the
 * HTTP server request, say), which the loader restores on the sandbox thread, and it is
 * current while the invocation runs: its binding calls and fetch hops become
 * {@code worker.loader.binding} and {@code worker.loader.fetch} child observations, and
 * guest log lines carry its trace and span ids in the MDC when a tracer puts them there.
 * A failed invocation or host call records an error that names the outcome and the error
 * category, never guest text.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class ObservationWorkerListener implements WorkerListener {

	private static final DefaultWorkerInvocationObservationConvention DEFAULT_CONVENTION = new DefaultWorkerInvocationObservationConvention();

	private static final DefaultWorkerHostCallObservationConvention BINDING_CONVENTION = new DefaultWorkerHostCallObservationConvention(
			HostCall.BINDING);

	private static final DefaultWorkerHostCallObservationConvention FETCH_CONVENTION = new DefaultWorkerHostCallObservationConvention(
			HostCall.FETCH);

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
		// Current on the sandbox thread until the invocation ends (the same thread).
		Observation.Scope scope = observation.openScope();
		return (end) -> {
			context.setOutcome(end.outcome());
			context.setQuota(end.quota());
			if (!WorkerListener.SUCCESS.equals(end.outcome())) {
				observation.error(new WorkerObservedFailure(end.outcome(), end.errorName()));
			}
			scope.close();
			observation.stop();
		};
	}

	@Override
	public HostCallScope hostCallStarted(HostCall call) {
		if (this.registry.isNoop()) {
			return HostCallScope.NOOP;
		}
		WorkerHostCallContext context = new WorkerHostCallContext(call);
		DefaultWorkerHostCallObservationConvention convention = HostCall.FETCH.equals(call.kind()) ? FETCH_CONVENTION
				: BINDING_CONVENTION;
		Observation observation = Observation.createNotStarted(convention, () -> context, this.registry).start();
		Observation.Scope scope = observation.openScope();
		return new HostCallScope() {

			@Override
			public void returned() {
				scope.close();
			}

			@Override
			public void finished(@Nullable String error) {
				if (error != null) {
					context.setFailure(error);
					observation.error(new WorkerObservedFailure(error, null));
				}
				observation.stop();
			}

		};
	}

	/**
	 * What a failed invocation or host call records on its observation: the outcome and
	 * the error category, no guest message (it may carry a secret the guest read), no
	 * stack trace.
	 */
	static final class WorkerObservedFailure extends RuntimeException {

		private static final long serialVersionUID = 1L;

		WorkerObservedFailure(String outcome, @Nullable String errorName) {
			super((errorName != null) ? outcome + ": " + errorName : outcome, null, false, false);
		}

	}

}
