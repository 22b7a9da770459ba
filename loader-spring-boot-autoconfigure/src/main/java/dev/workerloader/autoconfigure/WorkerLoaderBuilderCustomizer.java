package dev.workerloader.autoconfigure;

import dev.workerloader.sandbox.GraalWorkerLoader;

/**
 * Customizes the {@link GraalWorkerLoader.Builder} behind the auto-configured
 * {@code LOADER} bean, after the {@code worker-loader.*} properties are applied.
 * Customizers run in {@link org.springframework.core.Ordered order}.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@FunctionalInterface
public interface WorkerLoaderBuilderCustomizer {

	/**
	 * Customizes the builder.
	 * @param builder the builder
	 */
	void customize(GraalWorkerLoader.Builder builder);

}
