package dev.workerloader;

import java.util.Locale;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the worker host process that ran a worker failed (issue 16): it crashed,
 * ran out of memory, stopped answering, or broke the channel protocol. The host was
 * killed and replaced; every worker it ran is closed, so this is a
 * {@link WorkerClosedException}: a caller of a kept worker asks the loader again and gets
 * a fresh one on a healthy host.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class WorkerHostFailedException extends WorkerClosedException {

	private static final long serialVersionUID = 1L;

	private final Cause hostCause;

	/**
	 * Creates a new exception.
	 * @param workerId the worker id
	 * @param hostCause why the host failed
	 * @param message what happened and what to do
	 */
	public WorkerHostFailedException(@Nullable String workerId, Cause hostCause, String message) {
		super(workerId, message);
		this.hostCause = Objects.requireNonNull(hostCause, "'hostCause' must not be null");
	}

	/**
	 * Returns why the host failed.
	 * @return the cause
	 */
	public Cause hostCause() {
		return this.hostCause;
	}

	/**
	 * Why a worker host was killed and replaced.
	 */
	public enum Cause {

		/** The host process exited on its own (a crash, or killed from outside). */
		CRASHED,

		/** The host's JVM ran out of heap. */
		OUT_OF_MEMORY,

		/** The host did not answer within the wall-time limit plus the grace. */
		UNRESPONSIVE,

		/** The host sent something the channel protocol does not allow. */
		PROTOCOL;

		/**
		 * Returns the lower-case tag value, as meters and the endpoint show it.
		 * @return the tag value
		 */
		public String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
