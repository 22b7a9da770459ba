package dev.workerloader.autoconfigure;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import dev.workerloader.WorkerRateLimitedException;
import dev.workerloader.actuate.endpoint.WorkerLoaderEndpoint;
import dev.workerloader.metrics.WorkerHostMetrics;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerIsolation;
import dev.workerloader.process.ProcessWorkerLoader;
import dev.workerloader.process.TieredWorkerLoader;
import dev.workerloader.ratelimit.ClientRateLimiter;
import dev.workerloader.sandbox.GraalWorkerLoader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The process-isolation tier behind the {@code LOADER} bean (issue 16).
 *
 * @author Worker Loader team
 */
class WorkerLoaderProcessAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(WorkerLoaderAutoConfiguration.class, WorkerLoaderProcessAutoConfiguration.class,
						WorkerLoaderMetricsAutoConfiguration.class, WorkerLoaderEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=workerloader");

	@Test
	void backsOffWithoutAProcessPolicy() {
		this.contextRunner.withPropertyValues("worker-loader.policies.default.limits.cpu-time=2s")
			.run((context) -> assertThat(context).doesNotHaveBean(ProcessWorkerLoader.class)
				.doesNotHaveBean(TieredWorkerLoader.class)
				.getBean("LOADER")
				.isInstanceOf(GraalWorkerLoader.class));
	}

	@Test
	void theLoaderIsTieredWhenAPolicyAsksForProcessIsolation() {
		this.contextRunner.withUserConfiguration(MeterRegistryConfiguration.class)
			.withPropertyValues("worker-loader.policies.isolated.isolation=process",
					"worker-loader.policies.isolated.process.max-heap=128MB",
					"worker-loader.policies.child.base-policy=isolated")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean("LOADER")).isInstanceOf(TieredWorkerLoader.class);
				assertThat(context.getBean(WorkerLoader.class)).isSameAs(context.getBean("LOADER"));
				PolicyResolver policies = context.getBean(PolicyResolver.class);
				assertThat(policies.find("isolated").isolation())
					.isEqualTo(WorkerIsolation.process(128L * 1024 * 1024));
				assertThat(policies.find("child").isolation().isProcess()).isTrue();
				assertThat(policies.find("default").isolation().isProcess()).isFalse();
				WorkerLoader loader = context.getBean(WorkerLoader.class);
				try (Worker isolated = loader.load(WorkerCode.builder()
					.module("agent.js", "export default { pid() { return 'isolated'; } };")
					.policy("isolated")
					.build());
						Worker local = loader.load(WorkerCode.of("export default { pid() { return 'local'; } };"))) {
					assertThat(isolated.getEntrypoint().call("pid")).isEqualTo("isolated");
					assertThat(local.getEntrypoint().call("pid")).isEqualTo("local");
					assertThat(isolated.getClass().getSimpleName()).isEqualTo("ProcessWorker");
					assertThat(local.getClass().getSimpleName()).isEqualTo("SandboxWorker");
				}
				WorkerLoaderEndpoint.WorkerLoaderDescriptor descriptor = context.getBean(WorkerLoaderEndpoint.class)
					.workerLoader();
				assertThat(descriptor.hosts()).isNotNull();
				assertThat(descriptor.hosts().live()).isNotEmpty()
					.allSatisfy((host) -> assertThat(host.heap()).isEqualTo(128L * 1024 * 1024));
				assertThat(descriptor.hosts().restartsByCause()).containsOnlyKeys("crashed", "out_of_memory",
						"unresponsive", "protocol");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(context).hasSingleBean(WorkerHostMetrics.class);
				// Boot's meter binder post-processor is not part of this runner.
				context.getBean(WorkerHostMetrics.class).bindTo(registry);
				assertThat(registry.get(WorkerHostMetrics.HOSTS).gauge().value()).isPositive();
				assertThat(registry.get(WorkerHostMetrics.HOST_RESTARTS)
					.tag("cause", "unresponsive")
					.functionCounter()
					.count()).isZero();
			});
	}

	@Test
	void aProcessPolicyMayUseFetchAndRateLimitsWhichTheApplicationApplies() {
		this.contextRunner
			.withPropertyValues("worker-loader.policies.isolated.isolation=process",
					"worker-loader.policies.isolated.outbound.allowed-hosts=http://127.0.0.1:9",
					"worker-loader.policies.isolated.rate-limit.capacity=1",
					"worker-loader.policies.isolated.rate-limit.refill-tokens=1",
					"worker-loader.policies.isolated.rate-limit.refill-period=1h")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				WorkerLoader loader = context.getBean(WorkerLoader.class);
				WorkerCode code = WorkerCode.builder()
					.module("agent.js", "export default { run() { return 'ran'; } };")
					.policy("isolated")
					.clientId("erin")
					.build();
				try (Worker worker = loader.load(code)) {
					// The load took the bucket's only token: the call is refused here, by
					// the same rate limiter as in-process.
					assertThatExceptionOfType(WorkerRateLimitedException.class)
						.isThrownBy(() -> worker.getEntrypoint().call("run"))
						.withMessageContaining("worker-loader.policies.isolated.rate-limit");
				}
				assertThat(context.getBean(ClientRateLimiter.class).refusalsByPolicy()).containsEntry("isolated", 1L);
			});
	}

	@Test
	void theHostPoolIsConfiguredWithProperties() {
		this.contextRunner
			.withPropertyValues("worker-loader.policies.isolated.isolation=process",
					"worker-loader.process.hosts-per-pool=1", "worker-loader.process.grace=500ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ProcessWorkerLoader tier = context.getBean(ProcessWorkerLoader.class);
				tier.warmUp();
				assertThat(tier.hosts()).hasSize(1);
			});
		this.contextRunner
			.withPropertyValues("worker-loader.policies.isolated.isolation=process",
					"worker-loader.process.hosts-per-pool=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("worker-loader.process.hosts-per-pool"));
	}

	@Test
	void aHostHeapBelowTheMinimumFailsStartupNamingTheKey() {
		this.contextRunner
			.withPropertyValues("worker-loader.policies.isolated.isolation=process",
					"worker-loader.policies.isolated.process.max-heap=16MB")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("worker-loader.policies.isolated.process.max-heap")
				.hasMessageContaining("at least 64MB"));
	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
