package dev.workerloader.sandbox;

import java.util.function.Supplier;

/**
 * Carries the caller's thread-local context (issue 15: the security context, the current
 * observation, the MDC) to work that runs on another thread for it, such as an async call
 * on the process tier.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class CallerContexts {

	private CallerContexts() {
	}

	/**
	 * Captures the context of the calling thread now and returns a task that runs
	 * {@code task} with it restored, then puts back what its own thread had.
	 * @param <T> the result type
	 * @param task the task
	 * @return the task with the caller's context
	 */
	public static <T> Supplier<T> withCallersContext(Supplier<T> task) {
		CallerContext context = CallerContext.capture();
		return () -> {
			CallerContext.Restored restored = context.restore();
			try {
				return task.get();
			}
			finally {
				restored.close();
			}
		};
	}

}
