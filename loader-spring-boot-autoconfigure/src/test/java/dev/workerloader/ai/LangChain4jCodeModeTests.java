package dev.workerloader.ai;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.workerloader.autoconfigure.ChatRoomService;
import dev.workerloader.autoconfigure.WorkerLoaderAutoConfiguration;
import dev.workerloader.autoconfigure.WorkerLoaderCodeModeAutoConfiguration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same Code Mode tool through LangChain4j's tool API (issue 15): its definition
 * becomes a {@link ToolSpecification}, its {@code call} a {@link ToolExecutor}, and an
 * {@link AiServices} assistant over a scripted {@link ChatModel} (no network) runs the
 * model's code in a real sandbox.
 */
class LangChain4jCodeModeTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(WorkerLoaderAutoConfiguration.class, WorkerLoaderCodeModeAutoConfiguration.class))
		.withBean(ChatRoomService.class)
		.withPropertyValues("worker-loader.policies.agents.bindings=CHAT_ROOM",
				"worker-loader.code-mode.tools.agents.description=Reads the team chat room.");

	/** The assistant LangChain4j implements. */
	public interface Assistant {

		String chat(String question);

	}

	private static Map<ToolSpecification, ToolExecutor> langChain4jTools(ToolCallback tool) {
		ToolDefinition definition = tool.getToolDefinition();
		ToolSpecification specification = ToolSpecification.builder()
			.name(definition.name())
			.description(definition.description())
			.parameters(JsonObjectSchema.builder()
				.addStringProperty("code", "JavaScript to run; the value of its last expression is the result")
				.required("code")
				.build())
			.build();
		return Map.of(specification, (request, memoryId) -> tool.call(request.arguments()));
	}

	@Test
	void assistantRunsTheModelsCodeThroughTheToolAndAnswersWithItsResult() {
		this.contextRunner.run((context) -> {
			ToolCallback tool = context.getBean(CodeModeToolCallbackProvider.class).getToolCallbacks()[0];
			ScriptedModel model = new ScriptedModel("env.CHAT_ROOM.getHistory(5).length");
			Assistant assistant = AiServices.builder(Assistant.class)
				.chatModel(model)
				.tools(langChain4jTools(tool))
				.build();
			assertThat(assistant.chat("How many messages?")).isEqualTo("There are 2 messages.");
			assertThat(model.offered).singleElement()
				.satisfies((specification) -> assertThat(specification.description()).contains("interface ChatRoom"));
		});
	}

	/** Asks for the tool once, then answers with its result. */
	static final class ScriptedModel implements ChatModel {

		private final String code;

		final List<ToolSpecification> offered = new ArrayList<>();

		ScriptedModel(String code) {
			this.code = code;
		}

		@Override
		public ChatResponse doChat(ChatRequest request) {
			List<ChatMessage> messages = request.messages();
			if (messages.get(messages.size() - 1) instanceof ToolExecutionResultMessage result) {
				Object value = JSON.readTree(result.text()).get("result").asInt();
				return ChatResponse.builder().aiMessage(AiMessage.from("There are " + value + " messages.")).build();
			}
			this.offered.addAll(request.toolSpecifications());
			ToolExecutionRequest call = ToolExecutionRequest.builder()
				.id("call-1")
				.name(this.offered.get(0).name())
				.arguments(JSON.writeValueAsString(Map.of("code", this.code)))
				.build();
			return ChatResponse.builder().aiMessage(AiMessage.from(call)).build();
		}

	}

}
