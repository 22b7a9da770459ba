package dev.workerloader.autoconfigure;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationContext;

/**
 * Runs a guest agent, {@code export default { async myAgent(param, env, ctx) { BODY } }},
 * in a fresh worker of the context's loader.
 *
 * @author Worker Loader team
 */
final class Guest {

	private Guest() {
	}

	static WorkerCode.Builder agent(String body) {
		return WorkerCode.builder()
			.name("agent")
			.module("agent.js", "export default { async myAgent(param, env, ctx) {\n" + body + "\n} }");
	}

	static @Nullable Object run(ApplicationContext context, WorkerCode code, @Nullable Object param) {
		WorkerLoader loader = context.getBean(WorkerLoader.class);
		try (Worker worker = loader.load(code)) {
			return worker.getEntrypoint().call("myAgent", param);
		}
	}

	static @Nullable Object run(ApplicationContext context, String policy, String body, String... env) {
		WorkerCode.Builder builder = agent(body).policy(policy);
		for (String name : env) {
			builder.env(name);
		}
		return run(context, builder.build(), null);
	}

}
