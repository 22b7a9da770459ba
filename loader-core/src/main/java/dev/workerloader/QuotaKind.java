package dev.workerloader;

/**
 * The quotas a worker invocation is held to. Exceeding any of them stops the worker.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public enum QuotaKind {

	/**
	 * CPU time of the sandbox thread during one invocation, in nanoseconds.
	 */
	CPU_TIME,

	/**
	 * Elapsed time of one invocation, including awaiting host calls, in nanoseconds.
	 */
	WALL_TIME,

	/**
	 * Bytes allocated by the sandbox thread during one invocation (garbage included), or
	 * the JVM heap guard stopping the largest allocator.
	 */
	MEMORY,

	/**
	 * Size of the result or of console output, in bytes.
	 */
	OUTPUT,

	/**
	 * Number of guest statements executed by the worker.
	 */
	STATEMENTS

}
