package dev.workerloader.starter;

import java.time.Duration;

import dev.workerloader.testsupport.ForkedJvm;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter works without Actuator (issue 14): an application with only the starter on
 * its class path (this module's test class path: the starter's dependencies, JUnit and
 * Spring Boot's test support, no Actuator) starts in a forked JVM and runs a worker; the
 * endpoint, health and audit auto-configurations stay out.
 */
class StarterWithoutActuatorTests {

	@Test
	void classPathOfTheStarterHasNoActuator() {
		assertThat(System.getProperty("java.class.path")).doesNotContain("spring-boot-actuator")
			.doesNotContain("spring-boot-health")
			.contains("loader-spring-boot-autoconfigure");
	}

	@Test
	void applicationStartsAndRunsAWorkerWithoutActuator() throws Exception {
		String output = ForkedJvm.run(StarterApplication.class.getName(), Duration.ofMinutes(3));
		assertThat(output).contains("actuator-present=false", "health-present=false", "result=42");
		assertThat(output).contains("bean=workerLoaderKvBinding")
			.doesNotContain("bean=workerLoaderEndpoint")
			.doesNotContain("bean=workerloaderHealthIndicator")
			.doesNotContain("bean=workerLoaderAuditListener");
		assertThat(output).doesNotContain("APPLICATION FAILED TO START");
	}

}
