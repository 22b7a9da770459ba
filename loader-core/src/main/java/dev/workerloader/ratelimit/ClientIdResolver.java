package dev.workerloader.ratelimit;

import org.jspecify.annotations.Nullable;

/**
 * Finds the client a worker load or call is made for when its
 * {@link dev.workerloader.WorkerCode#clientId() code names none}, such as the
 * authenticated principal of the current request. Called on the caller's thread.
 * Implementations must be thread-safe.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@FunctionalInterface
public interface ClientIdResolver {

	/**
	 * A resolver that never knows the client: such requests share one bucket.
	 */
	ClientIdResolver NONE = () -> null;

	/**
	 * Returns the client of the current caller.
	 * @return the client id, or {@code null} if unknown
	 */
	@Nullable String currentClientId();

}
