package dev.workerloader.metrics;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of the Worker Loader.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public enum WorkerLoaderObservationDocumentation implements ObservationDocumentation {

	/**
	 * One call into a worker: from the moment the sandbox thread starts running it until
	 * its value, error or kill. Gives the {@code worker.loader.execution} timer and the
	 * {@code worker.loader.execution.active} long task timer.
	 */
	EXECUTION {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultWorkerInvocationObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return HighCardinalityKeyNames.values();
		}

	};

	/**
	 * Bounded tags, used on metrics.
	 */
	public enum LowCardinalityKeyNames implements KeyName {

		/**
		 * The configured policy name.
		 */
		POLICY {
			@Override
			public String asString() {
				return "policy";
			}
		},

		/**
		 * {@code default} for the default export, {@code named} for a named export.
		 */
		ENTRYPOINT_KIND {
			@Override
			public String asString() {
				return "entrypoint.kind";
			}
		},

		/**
		 * {@code success}, {@code guest_error}, {@code quota_exceeded},
		 * {@code load_error}, {@code closed}, {@code denied} or {@code rate_limited}.
		 */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		},

		/**
		 * The quota that stopped the invocation, or {@code none}.
		 */
		QUOTA {
			@Override
			public String asString() {
				return "quota";
			}
		}

	}

	/**
	 * Unbounded tags, used on spans only, never on metrics.
	 */
	public enum HighCardinalityKeyNames implements KeyName {

		/**
		 * The worker id.
		 */
		WORKER_ID {
			@Override
			public String asString() {
				return "worker.id";
			}
		},

		/**
		 * The guest method called.
		 */
		METHOD {
			@Override
			public String asString() {
				return "worker.method";
			}
		}

	}

}
