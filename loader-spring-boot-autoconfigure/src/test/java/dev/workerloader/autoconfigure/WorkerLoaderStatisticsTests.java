package dev.workerloader.autoconfigure;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import dev.workerloader.WorkerLoaderStatistics;
import dev.workerloader.actuate.endpoint.WorkerLoaderEndpoint;
import dev.workerloader.actuate.health.WorkerLoaderHealthIndicator;
import dev.workerloader.metrics.WorkerLoaderMetrics;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.sandbox.GraalWorkerLoader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint, the health indicator and the meters read the loader through
 * {@link WorkerLoaderStatistics} (issue 14): a {@link WorkerLoader} bean of the
 * application's own keeps them.
 */
class WorkerLoaderStatisticsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(WorkerLoaderAutoConfiguration.class, WorkerLoaderEndpointAutoConfiguration.class,
						WorkerLoaderHealthAutoConfiguration.class, WorkerLoaderMetricsAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=workerloader")
		.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new);

	@Test
	void decoratingLoaderOfTheApplicationKeepsEndpointHealthAndMeters() {
		this.contextRunner.withUserConfiguration(DecoratingLoaderConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(WorkerLoader.class).doesNotHaveBean(GraalWorkerLoader.class);
			CountingLoader loader = context.getBean(CountingLoader.class);
			try (Worker worker = loader.load(WorkerCode.builder()
				.name("own")
				.module("agent.js", "export default { run(p) { return p + 1; } }")
				.build())) {
				assertThat(worker.getEntrypoint().call("run", 41)).isEqualTo(42);
			}
			assertThat(loader.loads).isEqualTo(1);
			WorkerLoaderEndpoint endpoint = context.getBean(WorkerLoaderEndpoint.class);
			assertThat(endpoint.workerLoader().workers().loaded()).isEqualTo(1);
			assertThat(endpoint.workerLoader().ready()).isTrue();
			Health health = context.getBean(WorkerLoaderHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(WorkerLoaderMetrics.class).bindTo(registry);
			assertThat(registry.get(WorkerLoaderMetrics.WORKERS_ACTIVE).gauge().value()).isZero();
			assertThat(registry.get(WorkerLoaderMetrics.CACHE_REQUESTS).tag("result", "miss").functionCounter().count())
				.isEqualTo(1);
		});
	}

	@Test
	void loaderOfTheApplicationWithoutStatisticsHasNoEndpointHealthOrMeters() {
		this.contextRunner.withUserConfiguration(OpaqueLoaderConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(WorkerLoader.class);
			assertThat(context).doesNotHaveBean(WorkerLoaderEndpoint.class)
				.doesNotHaveBean(WorkerLoaderHealthIndicator.class)
				.doesNotHaveBean(WorkerLoaderMetrics.class);
		});
	}

	@Test
	void autoConfiguredLoaderIsItsOwnStatistics() {
		this.contextRunner.run((context) -> assertThat(context.getBean(WorkerLoaderStatistics.class))
			.isSameAs(context.getBean(WorkerLoader.class)));
	}

	/**
	 * A loader of the application's own: counts loads, delegates to a
	 * {@link GraalWorkerLoader} it builds, and exposes that loader's statistics.
	 */
	static final class CountingLoader implements WorkerLoader, WorkerLoaderStatistics, AutoCloseable {

		private final GraalWorkerLoader delegate = GraalWorkerLoader.builder().build();

		volatile int loads;

		@Override
		public Worker load(WorkerCode code) {
			this.loads++;
			return this.delegate.load(code);
		}

		@Override
		public Worker get(String id, Supplier<WorkerCode> code) {
			return this.delegate.get(id, code);
		}

		@Override
		public Worker get(String id, WorkerCode code) {
			return this.delegate.get(id, code);
		}

		@Override
		public boolean evict(String id) {
			return this.delegate.evict(id);
		}

		@Override
		public boolean isReady() {
			return this.delegate.isReady();
		}

		@Override
		public @Nullable Throwable startupFailure() {
			return this.delegate.startupFailure();
		}

		@Override
		public @Nullable RuntimeDescriptor runtime() {
			return this.delegate.runtime();
		}

		@Override
		public PoolDescriptor pool() {
			return this.delegate.pool();
		}

		@Override
		public CacheDescriptor sourceCache() {
			return this.delegate.sourceCache();
		}

		@Override
		public ThreadsDescriptor threads() {
			return this.delegate.threads();
		}

		@Override
		public int activeWorkers() {
			return this.delegate.activeWorkers();
		}

		@Override
		public int keptWorkers() {
			return this.delegate.keptWorkers();
		}

		@Override
		public long keptEvictions() {
			return this.delegate.keptEvictions();
		}

		@Override
		public Set<String> keptWorkerIds() {
			return this.delegate.keptWorkerIds();
		}

		@Override
		public List<KeptWorkerDescriptor> keptWorker(String id) {
			return this.delegate.keptWorker(id);
		}

		@Override
		public long loadCount() {
			return this.delegate.loadCount();
		}

		@Override
		public Map<QuotaKind, Long> quotaKills() {
			return this.delegate.quotaKills();
		}

		@Override
		public RateLimitedDescriptor rateLimited() {
			return this.delegate.rateLimited();
		}

		@Override
		public Collection<WorkerPolicy> policies() {
			return this.delegate.policies();
		}

		@Override
		public void close() {
			this.delegate.close();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DecoratingLoaderConfiguration {

		@Bean
		CountingLoader countingLoader() {
			CountingLoader loader = new CountingLoader();
			loader.delegate.awaitReady(java.time.Duration.ofMinutes(2));
			return loader;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OpaqueLoaderConfiguration {

		@Bean
		WorkerLoader opaqueLoader() {
			GraalWorkerLoader delegate = GraalWorkerLoader.builder().build();
			// Only WorkerLoader and AutoCloseable: no statistics to show.
			class Opaque implements WorkerLoader, AutoCloseable {

				@Override
				public Worker load(WorkerCode code) {
					return delegate.load(code);
				}

				@Override
				public Worker get(String id, Supplier<WorkerCode> code) {
					return delegate.get(id, code);
				}

				@Override
				public Worker get(String id, WorkerCode code) {
					return delegate.get(id, code);
				}

				@Override
				public boolean evict(String id) {
					return delegate.evict(id);
				}

				@Override
				public void close() {
					delegate.close();
				}

			}
			return new Opaque();
		}

	}

}
