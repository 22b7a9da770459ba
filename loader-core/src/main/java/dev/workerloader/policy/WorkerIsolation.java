package dev.workerloader.policy;

import java.util.Objects;

/**
 * Where the workers of a policy run: in the application's JVM, or in child JVMs ("worker
 * hosts") with a heap of their own, no inherited environment and no network (issue 16).
 *
 * @param mode the tier
 * @param hostHeap the maximum heap of a worker host in bytes ({@code -Xmx}), for the
 * {@link Mode#PROCESS process} tier
 * @author Worker Loader team
 * @since 0.1.0
 */
public record WorkerIsolation(Mode mode, long hostHeap) {

	/** The default heap of a worker host: 256 MB. */
	public static final long DEFAULT_HOST_HEAP = 256L * 1024 * 1024;

	/** The smallest heap a worker host starts with: 64 MB. */
	public static final long MIN_HOST_HEAP = 64L * 1024 * 1024;

	/** Workers run in the application's JVM (the default). */
	public static final WorkerIsolation IN_PROCESS = new WorkerIsolation(Mode.IN_PROCESS, DEFAULT_HOST_HEAP);

	public WorkerIsolation {
		Objects.requireNonNull(mode, "'mode' must not be null");
		if (hostHeap < MIN_HOST_HEAP) {
			throw new IllegalArgumentException(
					"A worker host needs a heap of at least 64MB, but " + hostHeap + " bytes were given");
		}
	}

	/**
	 * Returns the process tier with the given host heap.
	 * @param hostHeap the maximum heap of a worker host in bytes
	 * @return the isolation
	 */
	public static WorkerIsolation process(long hostHeap) {
		return new WorkerIsolation(Mode.PROCESS, hostHeap);
	}

	/**
	 * Whether workers run in worker host processes.
	 * @return whether this is the process tier
	 */
	public boolean isProcess() {
		return this.mode == Mode.PROCESS;
	}

	/**
	 * The tiers.
	 */
	public enum Mode {

		/** In the application's JVM, in GraalJS sandboxes. */
		IN_PROCESS,

		/** In child JVMs supervised by the application. */
		PROCESS

	}

}
