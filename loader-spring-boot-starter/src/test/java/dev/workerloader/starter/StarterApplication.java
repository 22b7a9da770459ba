package dev.workerloader.starter;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * An application that depends on the starter only, as a user's would: started in a forked
 * JVM by {@link StarterWithoutActuatorTests}. Prints what the test checks.
 */
@SpringBootApplication
public class StarterApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(StarterApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run(args)) {
			ClassLoader classLoader = StarterApplication.class.getClassLoader();
			System.out.println("actuator-present=" + ClassUtils
				.isPresent("org.springframework.boot.actuate.endpoint.annotation.Endpoint", classLoader));
			System.out.println("health-present="
					+ ClassUtils.isPresent("org.springframework.boot.health.contributor.HealthIndicator", classLoader));
			WorkerLoader loader = context.getBean(WorkerLoader.class);
			try (Worker worker = loader.load(WorkerCode.builder()
				.name("starter-check")
				.module("agent.js", "export default { run(p) { return p * 2; } }")
				.build())) {
				System.out.println("result=" + worker.getEntrypoint().call("run", 21));
			}
			System.out.println("statistics-beans=" + context.getBeanNamesForType(
					ClassUtils.resolveClassName("dev.workerloader.WorkerLoaderStatistics", classLoader)).length);
			for (String name : context.getBeanDefinitionNames()) {
				if (name.toLowerCase(java.util.Locale.ROOT).contains("workerloader")) {
					System.out.println("bean=" + name);
				}
			}
		}
	}

}
