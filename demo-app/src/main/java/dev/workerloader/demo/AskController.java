package dev.workerloader.demo;

import java.util.Map;

import dev.workerloader.ai.CodeModeToolCallbackProvider;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Asks a language model, which answers by writing code against the chat room: the Code
 * Mode tool {@code run_javascript} runs it in a sandbox under policy {@code demo}. Active
 * only when a Spring AI {@link ChatModel} is configured (an OpenAI or Ollama starter and
 * its key); the playground shows the panel only then.
 *
 * @author Worker Loader team
 */
@RestController
@RequestMapping("/api/ask")
class AskController {

	private static final String SYSTEM = "You answer questions about a chat room. To read or post messages, call the"
			+ " run_javascript tool with JavaScript that uses env.CHAT_ROOM; do the work in one call when you can.";

	private final @Nullable ChatClient chat;

	AskController(ObjectProvider<ChatModel> models, ObjectProvider<CodeModeToolCallbackProvider> codeMode) {
		ChatModel model = models.getIfUnique();
		CodeModeToolCallbackProvider tools = codeMode.getIfAvailable();
		this.chat = (model != null && tools != null)
				? ChatClient.builder(model).defaultSystem(SYSTEM).defaultTools(tools).build() : null;
	}

	/**
	 * Whether a chat model is configured.
	 */
	@GetMapping("/available")
	Map<String, Boolean> available() {
		return Map.of("available", this.chat != null);
	}

	/**
	 * Asks the model; it may run code through the Code Mode tool before it answers.
	 */
	@PostMapping
	ResponseEntity<Map<String, String>> ask(@RequestBody AskRequest request) {
		ChatClient client = this.chat;
		if (client == null) {
			return ResponseEntity.status(HttpStatus.NOT_FOUND)
				.body(Map.of("error", "No chat model is configured: add a Spring AI model starter (OpenAI, Ollama...)"
						+ " and its settings, e.g. spring.ai.openai.api-key."));
		}
		String answer = client.prompt().user(request.question()).call().content();
		return ResponseEntity.ok(Map.of("answer", (answer != null) ? answer : ""));
	}

	record AskRequest(String question) {
	}

}
