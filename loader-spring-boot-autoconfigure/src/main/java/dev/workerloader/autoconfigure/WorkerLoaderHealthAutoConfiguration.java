package dev.workerloader.autoconfigure;

import dev.workerloader.actuate.health.WorkerLoaderHealthIndicator;
import dev.workerloader.WorkerLoaderStatistics;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the {@code workerloader} health indicator, over the
 * {@link WorkerLoaderStatistics} of the loader. Applies only when Actuator is on the
 * class path.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@AutoConfiguration(after = WorkerLoaderAutoConfiguration.class)
@ConditionalOnClass({ WorkerLoaderStatistics.class, HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnSingleCandidate(WorkerLoaderStatistics.class)
public final class WorkerLoaderHealthAutoConfiguration {

	// On the method, not the class: a class-level actuator condition fails to load when
	// the class condition has not filtered the class out first (issue 14).
	@Bean(name = "workerloaderHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("workerloader")
	@ConditionalOnMissingBean(name = "workerloaderHealthIndicator")
	WorkerLoaderHealthIndicator workerloaderHealthIndicator(WorkerLoaderStatistics loader) {
		return new WorkerLoaderHealthIndicator(loader);
	}

}
