package dev.workerloader.docs;

import java.time.Duration;
import java.util.Map;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.binding.ExposedBinding;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.sandbox.GraalWorkerLoader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plain-Java sample of docs/getting-started.md ("Without Spring"), compiled and run:
 * loader-core alone, no Spring on the class path (issue 14).
 */
class PlainJavaSampleTests {

	/**
	 * What the worker may call: only this interface's methods.
	 */
	public interface Greeter {

		String greet(String name);

	}

	@Test
	void plainJavaSampleRuns() {
		assertThat(getClass().getClassLoader().getResource("org/springframework/context/ApplicationContext.class"))
			.as("loader-core's tests have no Spring")
			.isNull();
		// tag::sample[]
		Greeter greeter = (name) -> "Hello, " + name + "!";
		WorkerPolicy policy = WorkerPolicy.of("default", WorkerLimits.DEFAULTS.withCpuTime(Duration.ofSeconds(1)))
			.withBindings("GREETER");
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(policy))
			.bindings(BindingProvider.of(ExposedBinding.of("GREETER", greeter, Greeter.class)))
			.build();
				Worker worker = loader.load(WorkerCode.builder()
					.name("greeting-agent")
					.module("agent.js", "export default { run(p, env) { return env.GREETER.greet(p.name); } }")
					.env("GREETER")
					.build())) {
			Object result = worker.getEntrypoint().call("run", Map.of("name", "Ada"));
			System.out.println(result); // Hello, Ada!
			// end::sample[]
			assertThat(result).isEqualTo("Hello, Ada!");
		}
	}

}
