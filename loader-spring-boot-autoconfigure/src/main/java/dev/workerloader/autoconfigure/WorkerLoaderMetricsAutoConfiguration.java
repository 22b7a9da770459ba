package dev.workerloader.autoconfigure;

import dev.workerloader.metrics.LoadMetricsListener;
import dev.workerloader.metrics.ObservationWorkerListener;
import dev.workerloader.metrics.WorkerHostMetrics;
import dev.workerloader.metrics.WorkerInvocationObservationConvention;
import dev.workerloader.metrics.WorkerLoaderMetrics;
import dev.workerloader.WorkerLoaderStatistics;
import dev.workerloader.process.ProcessWorkerLoader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the Worker Loader's meters ({@code worker.loader.*}) and of the
 * {@code worker.loader.execution} observation.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@AutoConfiguration(after = WorkerLoaderAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass({ WorkerLoaderStatistics.class, MeterRegistry.class })
public final class WorkerLoaderMetricsAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(MeterRegistry.class)
	static class MeterConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnSingleCandidate(WorkerLoaderStatistics.class)
		WorkerLoaderMetrics workerLoaderMetrics(WorkerLoaderStatistics loader) {
			return new WorkerLoaderMetrics(loader);
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(ProcessWorkerLoader.class)
		WorkerHostMetrics workerLoaderHostMetrics(ProcessWorkerLoader loader) {
			return new WorkerHostMetrics(loader);
		}

		@Bean
		@ConditionalOnMissingBean
		LoadMetricsListener workerLoaderLoadMetricsListener(MeterRegistry registry) {
			return new LoadMetricsListener(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	@ConditionalOnBean(ObservationRegistry.class)
	static class ObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ObservationWorkerListener workerLoaderObservationListener(ObservationRegistry registry,
				ObjectProvider<WorkerInvocationObservationConvention> convention) {
			return new ObservationWorkerListener(registry, convention.getIfUnique());
		}

	}

}
