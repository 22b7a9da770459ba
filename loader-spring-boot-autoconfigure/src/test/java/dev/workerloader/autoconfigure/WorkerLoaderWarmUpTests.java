package dev.workerloader.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import dev.workerloader.sandbox.WarmUpResult;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The start-up warm-up (issue 18) runs before Spring Boot reports the instance ready, and
 * can be turned off or tuned.
 */
class WorkerLoaderWarmUpTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(WorkerLoaderAutoConfiguration.class, WorkerLoaderWarmUpAutoConfiguration.class));

	@Test
	void readinessIsAcceptingTrafficOnlyAfterTheWarmUp() {
		List<String> seen = new CopyOnWriteArrayList<>();
		ApplicationListener<AvailabilityChangeEvent<?>> recorder = (event) -> {
			ApplicationContext context = (ApplicationContext) event.getSource();
			WarmUpResult result = context.getBean(WorkerLoaderWarmUp.class).result();
			seen.add(event.getState() + ":" + ((result != null) ? "warm" : "cold"));
		};
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
			.web(WebApplicationType.NONE)
			.listeners(recorder)
			.run("--worker-loader.warm-up.loads=24", "--worker-loader.warm-up.max-time=2m")) {
			WarmUpResult result = context.getBean(WorkerLoaderWarmUp.class).result();
			assertThat(result).isNotNull();
			assertThat(result.loads()).isEqualTo(24);
			// Live while it warms up; ready only once it is warm.
			assertThat(seen).containsExactly(LivenessState.CORRECT + ":cold",
					ReadinessState.ACCEPTING_TRAFFIC + ":warm");
			WorkerLoader loader = context.getBean(WorkerLoader.class);
			try (Worker worker = loader.load(
					WorkerCode.builder().module("main.js", "export default { run() { return 'served'; } }").build())) {
				assertThat(worker.getEntrypoint().call("run")).isEqualTo("served");
			}
		}
	}

	@Test
	void anEngineThatCannotStartFailsTheStartUpInsteadOfReportingReady() {
		// A polyglot option that the engine refuses (read from the system properties
		// when the engine is built): before, the warm-up logged a warning, readiness
		// said ACCEPTING_TRAFFIC and every request failed.
		List<Object> seen = new CopyOnWriteArrayList<>();
		ApplicationListener<AvailabilityChangeEvent<?>> recorder = (event) -> seen.add(event.getState());
		String previous = System.setProperty("polyglot.engine.Mode", "not-a-mode");
		try {
			assertThatIllegalStateException()
				.isThrownBy(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
					.listeners(recorder)
					.run("--worker-loader.warm-up.loads=4")
					.close())
				.withMessageContaining("The GraalJS engine of the Worker Loader could not start")
				.withMessageContaining("Mode can be")
				.withMessageContaining("worker-loader.warm-up.enabled=false");
		}
		finally {
			if (previous != null) {
				System.setProperty("polyglot.engine.Mode", previous);
			}
			else {
				System.clearProperty("polyglot.engine.Mode");
			}
		}
		assertThat(seen).doesNotContain(ReadinessState.ACCEPTING_TRAFFIC);
	}

	@Test
	void warmUpCanBeTurnedOff() {
		this.runner.withPropertyValues("worker-loader.warm-up.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(WorkerLoaderWarmUp.class));
	}

	@Test
	void warmUpIsConfiguredForTheBuiltInLoader() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(WorkerLoaderWarmUp.class));
	}

	@Test
	void negativeLoadsAreRefusedWithTheProperty() {
		this.runner.withPropertyValues("worker-loader.warm-up.loads=-1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("worker-loader.warm-up.loads")
				.hasMessageContaining("0 or more"));
	}

	@SpringBootApplication
	static class App {

	}

}
