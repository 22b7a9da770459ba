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

	},

	/**
	 * One call of a binding method by a worker, a child of its
	 * {@code worker.loader.execution} observation. For a method returning a
	 * {@code CompletionStage}, it lasts until the stage completes.
	 */
	BINDING {

		@Override
		public String getName() {
			return DefaultWorkerHostCallObservationConvention.BINDING_NAME;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { HostCallLowCardinalityKeyNames.POLICY, HostCallLowCardinalityKeyNames.BINDING,
					HostCallLowCardinalityKeyNames.BINDING_METHOD, HostCallLowCardinalityKeyNames.OUTCOME };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { HostCallHighCardinalityKeyNames.WORKER_ID };
		}

	},

	/**
	 * One hop (request) of a worker's {@code fetch}, redirects being hops of their own,
	 * including the outbound handlers; a child of the worker's
	 * {@code worker.loader.execution} observation.
	 */
	FETCH {

		@Override
		public String getName() {
			return DefaultWorkerHostCallObservationConvention.FETCH_NAME;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { HostCallLowCardinalityKeyNames.POLICY, HostCallLowCardinalityKeyNames.HTTP_METHOD,
					HostCallLowCardinalityKeyNames.OUTCOME };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return HostCallHighCardinalityKeyNames.values();
		}

	};

	/**
	 * Bounded tags of {@code worker.loader.binding} and {@code worker.loader.fetch}.
	 */
	public enum HostCallLowCardinalityKeyNames implements KeyName {

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
		 * The binding name in {@code env}.
		 */
		BINDING {
			@Override
			public String asString() {
				return "binding";
			}
		},

		/**
		 * The binding method called.
		 */
		BINDING_METHOD {
			@Override
			public String asString() {
				return "binding.method";
			}
		},

		/**
		 * The HTTP method of a fetch hop.
		 */
		HTTP_METHOD {
			@Override
			public String asString() {
				return "http.request.method";
			}
		},

		/**
		 * {@code success}, {@code denied} (the caller was refused), {@code refused} (the
		 * policy, a handler or the method refused it) or {@code host_error}.
		 */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		}

	}

	/**
	 * Unbounded tags of {@code worker.loader.binding} and {@code worker.loader.fetch},
	 * used on spans only.
	 */
	public enum HostCallHighCardinalityKeyNames implements KeyName {

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
		 * The {@code host:port} of a fetch hop as the guest asked for it: no path, no
		 * query string.
		 */
		SERVER_ADDRESS {
			@Override
			public String asString() {
				return "server.address";
			}
		}

	}

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
