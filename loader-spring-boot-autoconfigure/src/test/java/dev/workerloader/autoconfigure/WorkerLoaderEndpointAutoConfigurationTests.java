package dev.workerloader.autoconfigure;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import dev.workerloader.actuate.endpoint.WorkerLoaderEndpoint;
import dev.workerloader.actuate.health.WorkerLoaderHealthIndicator;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the {@code workerloader} endpoint and health indicator exist.
 */
class WorkerLoaderEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WorkerLoaderAutoConfiguration.class,
				WorkerLoaderEndpointAutoConfiguration.class, WorkerLoaderHealthAutoConfiguration.class));

	@Test
	void endpointExistsWhenExposed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=workerloader")
			.run((context) -> assertThat(context).hasSingleBean(WorkerLoaderEndpoint.class));
	}

	@Test
	void endpointBacksOffWhenNotExposed() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(WorkerLoaderEndpoint.class));
	}

	@Test
	void endpointBacksOffWhenDisabled() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=workerloader",
					"management.endpoint.workerloader.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WorkerLoaderEndpoint.class));
	}

	@Test
	void endpointBacksOffWithoutTheLoader() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=workerloader", "worker-loader.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WorkerLoaderEndpoint.class));
	}

	@Test
	void endpointAndHealthBackOffWithoutActuatorAndTheLoaderStillRuns() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=workerloader")
			.withClassLoader(
					new FilteredClassLoader("org.springframework.boot.actuate", "org.springframework.boot.health"))
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(WorkerLoaderEndpoint.class)
					.doesNotHaveBean(WorkerLoaderHealthIndicator.class);
				try (Worker worker = context.getBean(WorkerLoader.class)
					.load(WorkerCode.of("export default { run(p) { return p * 2; } }"))) {
					assertThat(worker.getEntrypoint().call("run", 21)).isEqualTo(42);
				}
			});
	}

	@Test
	void healthIndicatorIsRegistered() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(WorkerLoaderHealthIndicator.class)
			.hasBean("workerloaderHealthIndicator"));
	}

	@Test
	void healthIndicatorBacksOffWhenDisabled() {
		this.contextRunner.withPropertyValues("management.health.workerloader.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WorkerLoaderHealthIndicator.class));
	}

}
