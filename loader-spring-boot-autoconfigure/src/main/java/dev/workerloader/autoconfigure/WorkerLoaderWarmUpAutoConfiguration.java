package dev.workerloader.autoconfigure;

import dev.workerloader.WorkerLoader;
import dev.workerloader.sandbox.GraalWorkerLoader;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the start-up warm-up (issue 18): when the {@link WorkerLoader}
 * bean is the built-in {@link GraalWorkerLoader}, a synthetic workload runs through its
 * real load and call path before the application reports itself ready.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@AutoConfiguration(after = WorkerLoaderAutoConfiguration.class)
@ConditionalOnBooleanProperty(prefix = WorkerLoaderProperties.CONFIG_PREFIX, name = "enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(prefix = WorkerLoaderWarmUpProperties.CONFIG_PREFIX, name = "enabled",
		matchIfMissing = true)
@ConditionalOnBean(GraalWorkerLoader.class)
@EnableConfigurationProperties(WorkerLoaderWarmUpProperties.class)
public final class WorkerLoaderWarmUpAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WorkerLoaderWarmUp workerLoaderWarmUp(GraalWorkerLoader loader, WorkerLoaderWarmUpProperties properties) {
		if (properties.getLoads() < 0) {
			throw new InvalidConfigurationPropertyValueException(WorkerLoaderWarmUpProperties.CONFIG_PREFIX + ".loads",
					properties.getLoads(),
					"The number of synthetic loads must be 0 or more (0 turns the warm-up off).");
		}
		if (properties.getMaxTime().isNegative()) {
			throw new InvalidConfigurationPropertyValueException(
					WorkerLoaderWarmUpProperties.CONFIG_PREFIX + ".max-time", properties.getMaxTime(),
					"The warm-up's time limit must not be negative.");
		}
		return new WorkerLoaderWarmUp(loader, properties.getLoads(), properties.getMaxTime());
	}

}
