package dev.workerloader.demo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "ask a model" panel with a scripted chat model (no network) standing in for an
 * OpenAI or Ollama starter: the model asks for the Code Mode tool with code, the demo's
 * sandbox runs it against the chat room, and the answer carries the result.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class AskControllerTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@LocalServerPort
	private int port;

	@Autowired
	private ChatRoomService chatRoom;

	@Test
	void modelAnswersWithWhatItsCodeFoundInTheChatRoom() {
		RestClient client = RestClient.create("http://localhost:" + this.port);
		assertThat(client.get().uri("/api/ask/available").retrieve().body(String.class))
			.isEqualTo("{\"available\":true}");
		int messages = this.chatRoom.history(1000).size();
		Map<String, String> answer = client.post()
			.uri("/api/ask")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("question", "How many messages are there?"))
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
		assertThat(answer).containsEntry("answer", "The room has " + messages + " messages.");
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ScriptedModel {

		@Bean
		ChatModel scriptedChatModel() {
			return new ChatModel() {

				private final ToolCallingManager tools = ToolCallingManager.builder().build();

				@Override
				public ChatOptions getOptions() {
					return ToolCallingChatOptions.builder().build();
				}

				@Override
				public ChatResponse call(Prompt prompt) {
					Message last = prompt.getInstructions().get(prompt.getInstructions().size() - 1);
					if (last instanceof ToolResponseMessage response) {
						String result = JSON.readTree(response.getResponses().get(0).responseData())
							.get("result")
							.asString();
						return new ChatResponse(
								List.of(new Generation(new AssistantMessage("The room has " + result + " messages."))));
					}
					AssistantMessage.ToolCall call = new AssistantMessage.ToolCall("call-1", "function",
							"run_javascript", JSON.writeValueAsString(
									Map.of("code", "const all = env.CHAT_ROOM.history(1000);\nString(all.length)")));
					ChatResponse askForTool = new ChatResponse(List
						.of(new Generation(AssistantMessage.builder().content("").toolCalls(List.of(call)).build())));
					return call(new Prompt(this.tools.executeToolCalls(prompt, askForTool).conversationHistory(),
							prompt.getOptions()));
				}

			};
		}

	}

}
