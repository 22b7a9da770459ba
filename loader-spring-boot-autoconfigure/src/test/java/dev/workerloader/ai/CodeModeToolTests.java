package dev.workerloader.ai;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.workerloader.autoconfigure.ChatRoomService;
import dev.workerloader.autoconfigure.WorkerLoaderAutoConfiguration;
import dev.workerloader.autoconfigure.WorkerLoaderCodeModeAutoConfiguration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.client.ChatClient;
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
import org.springframework.ai.model.tool.ToolExecutionResult;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Code Mode as a Spring AI tool (issue 15), with real sandboxes and a scripted
 * {@link ChatModel} (no network) that behaves as a tool-calling model does: it asks for
 * the tool with code, Spring AI's {@link ToolCallingManager} runs the tool, and the model
 * answers with what the tool returned.
 */
class CodeModeToolTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(WorkerLoaderAutoConfiguration.class, WorkerLoaderCodeModeAutoConfiguration.class))
		.withUserConfiguration(ChatRoomConfiguration.class)
		.withPropertyValues("worker-loader.policies.agents.bindings=CHAT_ROOM",
				"worker-loader.policies.agents.limits.cpu-time=2s", "worker-loader.policies.agents.limits.wall-time=3s",
				"worker-loader.code-mode.tools.agents.description=Reads and writes the team chat room.",
				"worker-loader.code-mode.tools.agents.max-result-size=1KB");

	private static JsonNode call(CodeModeToolCallbackProvider tools, String code) {
		ToolCallback tool = tools.getToolCallbacks()[0];
		return JSON.readTree(tool.call(JSON.writeValueAsString(Map.of("code", code))));
	}

	@Test
	void oneToolPerEntryWhoseDescriptionCarriesTheTypeScriptDeclarations() {
		this.contextRunner.run((context) -> {
			CodeModeToolCallbackProvider tools = context.getBean(CodeModeToolCallbackProvider.class);
			assertThat(tools.getToolCallbacks()).hasSize(1);
			ToolDefinition definition = tools.getToolCallbacks()[0].getToolDefinition();
			assertThat(definition.name()).isEqualTo("run_javascript");
			assertThat(definition.description()).startsWith("Reads and writes the team chat room.")
				.contains("interface ChatRoom", "getHistory(limit: number)", "CHAT_ROOM: ChatRoom");
			assertThat(JSON.readTree(definition.inputSchema()).at("/required/0").asString()).isEqualTo("code");
		});
	}

	@Test
	void toolNamesAndPoliciesComeFromEachEntry() {
		this.contextRunner
			.withPropertyValues("worker-loader.code-mode.tools.plain.policy=default",
					"worker-loader.code-mode.tools.plain.tool-name=calc")
			.run((context) -> {
				CodeModeToolCallbackProvider tools = context.getBean(CodeModeToolCallbackProvider.class);
				assertThat(tools.getToolCallbacks()).extracting((tool) -> tool.getToolDefinition().name())
					.containsExactly("run_javascript_agents", "calc");
				assertThat(tools.getTool("calc").getToolDefinition().description()).doesNotContain("ChatRoom");
				JsonNode refused = JSON
					.readTree(tools.getTool("calc").call("{\"code\":\"env.CHAT_ROOM.getHistory(1)\"}"));
				assertThat(refused.at("/error/message").asString()).contains("CHAT_ROOM");
			});
	}

	@Test
	void scriptedModelCallsTheToolThroughChatClientAndAnswersWithTheResult() {
		this.contextRunner.run((context) -> {
			CodeModeToolCallbackProvider tools = context.getBean(CodeModeToolCallbackProvider.class);
			ScriptedChatModel model = new ScriptedChatModel(
					"const history = env.CHAT_ROOM.getHistory(2);\nconsole.log('read', history.length);\nhistory.join(' ')");
			String answer = ChatClient.create(model)
				.prompt()
				.user("What do the last two messages say?")
				.tools(tools)
				.call()
				.content();
			assertThat(answer).isEqualTo("The room says: hello world");
			assertThat(model.offeredTools).containsExactly("run_javascript");
			assertThat(model.toolAnswers).hasSize(1);
			JsonNode toolAnswer = JSON.readTree(model.toolAnswers.get(0));
			assertThat(toolAnswer.get("logs").get(0).asString()).isEqualTo("[log] read 2");
			assertThat(toolAnswer.get("error").isNull()).isTrue();
		});
	}

	@Test
	void syntaxErrorsComeWithLineAndColumn() {
		this.contextRunner.run((context) -> {
			JsonNode answer = call(context.getBean(CodeModeToolCallbackProvider.class),
					"const a = 1;\nconst b = ;\na + b");
			assertThat(answer.at("/error/name").asString()).isEqualTo("SyntaxError");
			assertThat(answer.at("/error/message").asString()).contains("line 2").contains("column");
			assertThat(answer.get("result").isNull()).isTrue();
		});
	}

	@Test
	void guestErrorsComeWithTheirNameAndMessage() {
		this.contextRunner.run((context) -> {
			JsonNode answer = call(context.getBean(CodeModeToolCallbackProvider.class),
					"console.log('before');\nnull.missing");
			assertThat(answer.at("/error/name").asString()).isEqualTo("TypeError");
			assertThat(answer.at("/error/message").asString()).contains("missing");
			assertThat(answer.at("/logs/0").asString()).isEqualTo("[log] before");
			assertThat(answer.toString()).doesNotContain("dev.workerloader.", "org.graalvm");
		});
	}

	@Test
	void refusedCapabilitiesSayWhatIsAllowed() {
		this.contextRunner.run((context) -> {
			JsonNode answer = call(context.getBean(CodeModeToolCallbackProvider.class),
					"await fetch('http://127.0.0.1:9/')");
			assertThat(answer.at("/error/name").asString()).isEqualTo("TypeError");
			assertThat(answer.at("/error/message").asString()).contains("no network access", "env bindings");
		});
	}

	@Test
	void quotasComeWithTheirLimit() {
		this.contextRunner.run((context) -> {
			JsonNode answer = call(context.getBean(CodeModeToolCallbackProvider.class), "while (true) {}");
			assertThat(answer.at("/error/quota").asString()).isIn("CPU_TIME", "WALL_TIME");
			assertThat(answer.at("/error/message").asString()).contains("worker-loader.policies.agents.limits.");
		});
	}

	@Test
	void largeResultsAreCutWithAVisibleMarkerInsteadOfFailing() {
		this.contextRunner.run((context) -> {
			CodeModeToolCallbackProvider tools = context.getBean(CodeModeToolCallbackProvider.class);
			String raw = tools.getToolCallbacks()[0].call(JSON.writeValueAsString(
					Map.of("code", "for (let i = 0; i < 200; i++) console.log('line ' + i);\n'x'.repeat(5000)")));
			assertThat(raw.length()).isLessThanOrEqualTo(1024);
			JsonNode answer = JSON.readTree(raw);
			assertThat(answer.get("result").asString()).startsWith("\"xxxx")
				.contains("[truncated: the result is 5002 characters of JSON");
			assertThat(answer.get("logs").get(0).asString()).contains("earlier log lines left out");
			assertThat(answer.get("logs").get(answer.get("logs").size() - 1).asString()).isEqualTo("[log] line 199");
			assertThat(answer.get("error").isNull()).isTrue();
		});
	}

	@Test
	void inputThatIsNotAnObjectWithCodeIsAClearError() {
		this.contextRunner.run((context) -> {
			ToolCallback tool = context.getBean(CodeModeToolCallbackProvider.class).getToolCallbacks()[0];
			JsonNode answer = JSON.readTree(tool.call("{\"script\": \"1 + 1\"}"));
			assertThat(answer.at("/error/name").asString()).isEqualTo("InvalidInput");
			assertThat(answer.at("/error/message").asString()).contains("'code'");
		});
	}

	@Test
	void unknownPolicyFailsAtStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("worker-loader.code-mode.tools.agents.policy=nope").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("worker-loader.code-mode.tools.agents.policy")
				.hasMessageContaining("policy 'nope', which is not defined");
		});
	}

	@Test
	void invalidToolNameFailsAtStartup() {
		this.contextRunner.withPropertyValues("worker-loader.code-mode.tools.agents.tool-name=run code")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("worker-loader.code-mode.tools.agents.tool-name"));
	}

	@Test
	void withoutSpringAiThereIsNoTool() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ToolCallback.class))
			.run((context) -> assertThat(context).doesNotHaveBean(CodeModeToolCallbackProvider.class));
	}

	/**
	 * A chat model that asks for the Code Mode tool once, then answers with the result,
	 * running tools the way Spring AI's own chat models do.
	 */
	static final class ScriptedChatModel implements ChatModel {

		private final String code;

		private final ToolCallingManager tools = ToolCallingManager.builder().build();

		final List<String> offeredTools = new ArrayList<>();

		final List<String> toolAnswers = new ArrayList<>();

		ScriptedChatModel(String code) {
			this.code = code;
		}

		@Override
		public ChatOptions getOptions() {
			return ToolCallingChatOptions.builder().build();
		}

		@Override
		public ChatResponse call(Prompt prompt) {
			Message last = prompt.getInstructions().get(prompt.getInstructions().size() - 1);
			if (last instanceof ToolResponseMessage toolResponse) {
				String data = toolResponse.getResponses().get(0).responseData();
				this.toolAnswers.add(data);
				String result = JSON.readTree(data).get("result").asString();
				return new ChatResponse(List.of(new Generation(new AssistantMessage("The room says: " + result))));
			}
			ToolCallingChatOptions options = (ToolCallingChatOptions) prompt.getOptions();
			for (ToolDefinition definition : this.tools.resolveToolDefinitions(options)) {
				this.offeredTools.add(definition.name());
			}
			AssistantMessage.ToolCall call = new AssistantMessage.ToolCall("call-1", "function",
					this.offeredTools.get(0), JSON.writeValueAsString(Map.of("code", this.code)));
			ChatResponse askForTool = new ChatResponse(
					List.of(new Generation(AssistantMessage.builder().content("").toolCalls(List.of(call)).build())));
			ToolExecutionResult executed = this.tools.executeToolCalls(prompt, askForTool);
			return call(new Prompt(executed.conversationHistory(), prompt.getOptions()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ChatRoomConfiguration {

		@Bean
		ChatRoomService chatRoomService() {
			return new ChatRoomService();
		}

	}

}
