package dev.workerloader.demo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo over real HTTP: agents run against the ChatRoom binding under policy
 * {@code demo}, runaways and escapes are reported, the API is described in TypeScript.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class AgentControllerTests {

	@LocalServerPort
	private int port;

	@Autowired
	private ChatRoomService chatRoom;

	private RestClient client;

	@BeforeEach
	void createClient() {
		this.client = RestClient.create("http://localhost:" + this.port);
	}

	private Map<String, Object> run(String code, Object param) {
		return this.client.post()
			.uri("/api/agents/run")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("code", code, "param", param))
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
	}

	@Test
	void agentReadsAndPostsThroughTheChatRoomBinding() {
		Map<String, Object> result = run("""
				export default {
				  async run(param, env) {
				    const before = env.CHAT_ROOM.history(50).length;
				    const posted = await env.CHAT_ROOM.post('agent', 'about ' + param.topic + ' in ' + env.ROOM_NAME);
				    console.log('posted', posted.id);
				    return { before, text: posted.text };
				  }
				};""", Map.of("topic", "sandboxes"));
		assertThat(result.get("error")).isNull();
		assertThat(result.get("value")).isEqualTo(Map.of("before", ((Map<?, ?>) result.get("value")).get("before"),
				"text", "about sandboxes in General"));
		assertThat(this.chatRoom.history(1)).singleElement()
			.satisfies((message) -> assertThat(message.text()).isEqualTo("about sandboxes in General"));
		assertThat((List<?>) result.get("logs")).hasSize(1);
	}

	@Test
	void runawayIsStoppedAndReportedWithItsQuota() {
		Map<String, Object> result = run("export default { run() { while (true) {} } }", Map.of());
		assertThat(result.get("quota")).isEqualTo("CPU_TIME");
		assertThat(result.get("error")).asString().contains("worker-loader.policies.demo.limits.cpu-time");
	}

	@Test
	void methodsOutsideTheExposedInterfaceAreUnreachable() {
		Map<String, Object> result = run("""
				export default { run(p, env) {
				  return [typeof env.CHAT_ROOM.clear, typeof env.CHAT_ROOM.getClass, Object.keys(env.CHAT_ROOM).sort()];
				} };""", Map.of());
		assertThat(result.get("value")).isEqualTo(List.of("undefined", "undefined", List.of("history", "post")));
		assertThat(this.chatRoom.history(100)).isNotEmpty();
	}

	@Test
	void bareExpressionsFromModelsRun() {
		Map<String, Object> result = run("```js\nenv.CHAT_ROOM.history(1).length\n```", Map.of());
		assertThat(result.get("value")).isEqualTo(1);
	}

	@Test
	void typeScriptIsSmallerThanTheEquivalentJsonSchemaTools() {
		String types = this.client.get().uri("/api/agents/types").retrieve().body(String.class);
		String tools = this.client.get().uri("/api/agents/tools").retrieve().body(String.class);
		assertThat(tools).contains("\"CHAT_ROOM_history\"").contains("\"CHAT_ROOM_post\"");
		String bindingPart = types.substring(types.indexOf("interface ChatRoom"), types.indexOf("interface Env"));
		assertThat(bindingPart.length()).isLessThan(tools.length());
	}

	@Test
	void typesDescribeTheChatRoomWithItsJavadoc() {
		String types = this.client.get().uri("/api/agents/types").retrieve().body(String.class);
		assertThat(types).contains("interface ChatRoom {")
			.contains("/** Returns the most recent messages, oldest first. */")
			.contains("history(limit: number): Message[];")
			.contains("post(author: string, text: string): Promise<Message>;")
			.contains("CHAT_ROOM: ChatRoom;")
			.contains("readonly ROOM_NAME: string;");
	}

	@Test
	void askPanelIsUnavailableWithoutAChatModel() {
		assertThat(this.client.get().uri("/api/ask/available").retrieve().body(String.class))
			.isEqualTo("{\"available\":false}");
		Map<String, Object> refused = this.client.post()
			.uri("/api/ask")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("question", "hi"))
			.retrieve()
			.onStatus((status) -> status.value() == 404, (request, response) -> {
			})
			.body(new ParameterizedTypeReference<>() {
			});
		assertThat(refused.get("error")).asString().contains("No chat model is configured");
	}

}
