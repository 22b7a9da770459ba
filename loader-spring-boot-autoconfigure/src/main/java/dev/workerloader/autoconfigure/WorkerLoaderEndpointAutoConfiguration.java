package dev.workerloader.autoconfigure;

import dev.workerloader.actuate.endpoint.WorkerLoaderEndpoint;
import dev.workerloader.process.ProcessWorkerLoader;
import dev.workerloader.sandbox.GraalWorkerLoader;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the {@code workerloader} actuator endpoint.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@AutoConfiguration(after = WorkerLoaderAutoConfiguration.class)
@ConditionalOnClass({ GraalWorkerLoader.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnAvailableEndpoint(WorkerLoaderEndpoint.class)
public final class WorkerLoaderEndpointAutoConfiguration {

	@Bean
	@ConditionalOnBean(GraalWorkerLoader.class)
	@ConditionalOnMissingBean
	WorkerLoaderEndpoint workerLoaderEndpoint(GraalWorkerLoader loader, ObjectProvider<ProcessWorkerLoader> process) {
		return new WorkerLoaderEndpoint(loader, process.getIfUnique());
	}

}
