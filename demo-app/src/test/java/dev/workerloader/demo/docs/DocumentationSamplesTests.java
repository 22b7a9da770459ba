package dev.workerloader.demo.docs;

import java.util.Map;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import dev.workerloader.demo.DemoApplication;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The code samples of README.md and docs/getting-started.md, compiled and run against the
 * demo application. Keep them in sync with the documents.
 */
@SpringBootTest(classes = DemoApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(DocumentationSamplesTests.AgentController.class)
class DocumentationSamplesTests {

	/** The agent of docs/getting-started.md, step 4. */
	static final String GETTING_STARTED_AGENT = """
			export default {
			  async myAgent(param, env, ctx) {
			    const recent = env.CHAT_ROOM.history(5);
			    const posted = await env.CHAT_ROOM.post('agent', `Hello ${env.ROOM_NAME}!`);
			    console.log('posted', posted.id);
			    return { seen: recent.length, posted: posted.id };
			  }
			};
			""";

	@LocalServerPort
	private int port;

	@Autowired
	private WorkerLoader loader;

	@Test
	void readmeControllerRunsAnAgent() {
		String agent = "export default { async myAgent(param, env, ctx) { const h = env.CHAT_ROOM.history(10);"
				+ " return { room: param.room, messages: h.length > 0 }; } }";
		Map<?, ?> result = RestClient.create("http://localhost:" + this.port)
			.post()
			.uri("/agents/run")
			.contentType(MediaType.TEXT_PLAIN)
			.body(agent)
			.retrieve()
			.body(Map.class);
		assertThat(result).isEqualTo(Map.of("room", "general", "messages", true));
	}

	@Test
	void gettingStartedAgentRuns() {
		// docs/getting-started.md, step 4
		try (Worker worker = this.loader.load(WorkerCode.builder()
			.module("agent.js", GETTING_STARTED_AGENT)
			.env("CHAT_ROOM")
			.policy("demo")
			.build())) {
			Object result = worker.getEntrypoint().call("myAgent", Map.of());
			assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
				.containsKeys("seen", "posted");
		}
	}

	// README.md, "Twenty lines" (imports aside)
	@RestController
	static class AgentController {

		private final WorkerLoader loader; // the auto-configured bean "LOADER"

		AgentController(WorkerLoader loader) {
			this.loader = loader;
		}

		@PostMapping("/agents/run")
		Object run(@RequestBody String agentSource) {
			WorkerCode code = WorkerCode.builder()
				.mainModule("agent.js")
				.module("agent.js", agentSource) // export default { async myAgent(param,
													// env, ctx) {...} }
				.env("CHAT_ROOM") // a bean annotated @WorkerBinding("CHAT_ROOM")
				.policy("demo") // worker-loader.policies.demo in application.yml
				.build();
			try (Worker worker = loader.load(code)) {
				return worker.getEntrypoint().call("myAgent", Map.of("room", "general"));
			}
		}

	}

}
