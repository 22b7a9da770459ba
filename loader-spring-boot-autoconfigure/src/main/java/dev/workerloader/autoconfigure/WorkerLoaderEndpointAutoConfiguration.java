package dev.workerloader.autoconfigure;

import dev.workerloader.actuate.endpoint.WorkerLoaderEndpoint;
import dev.workerloader.WorkerLoader;
import dev.workerloader.WorkerLoaderStatistics;
import dev.workerloader.process.ProcessWorkerLoader;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the {@code workerloader} actuator endpoint, over the
 * {@link WorkerLoaderStatistics} of the loader. Applies only when Actuator is on the
 * class path.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@AutoConfiguration(after = WorkerLoaderAutoConfiguration.class)
@ConditionalOnClass({ WorkerLoaderStatistics.class, ConditionalOnAvailableEndpoint.class })
public final class WorkerLoaderEndpointAutoConfiguration {

	// On the method, not the class: a class-level actuator condition fails to load when
	// the class condition has not filtered the class out first (issue 14).
	@Bean
	@ConditionalOnAvailableEndpoint(WorkerLoaderEndpoint.class)
	@ConditionalOnSingleCandidate(WorkerLoaderStatistics.class)
	@ConditionalOnBean(WorkerLoader.class)
	@ConditionalOnMissingBean
	WorkerLoaderEndpoint workerLoaderEndpoint(WorkerLoaderStatistics statistics, WorkerLoader loader,
			ObjectProvider<ProcessWorkerLoader> process) {
		return new WorkerLoaderEndpoint(statistics, loader, process.getIfUnique());
	}

}
