package dev.workerloader.ai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import dev.workerloader.LogEntry;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import dev.workerloader.codemode.RunResult;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.DefaultToolDefinition;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * Code Mode as a Spring AI tool: the model sends JavaScript, the tool runs it with
 * {@link WorkerLoader#run(String, Object, Consumer)} in a fresh worker of one policy and
 * answers with {@code {"result": ..., "logs": [...], "error": ...}} as JSON. The
 * description carries the TypeScript declarations of the policy's bindings, so the model
 * writes against a typed API. The answer is cut to a maximum size with a visible marker,
 * so that a model asking for too much still gets a useful answer and learns to ask for
 * less. Errors are the ones a model can act on: a syntax error with its line and column,
 * the guest error's name and message, a refused capability with what is allowed, a quota
 * with its limit; never host stack traces.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class CodeModeToolCallback implements ToolCallback {

	/**
	 * The input schema: one {@code code} string.
	 */
	public static final String INPUT_SCHEMA = """
			{"type":"object","properties":{"code":{"type":"string","description":"JavaScript to run: an ES module \
			exporting default { async run(param, env) { ... } }, a function body with return, or an expression. \
			The value returned (or of the last expression) is the result."}},"required":["code"],\
			"additionalProperties":false}""";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final WorkerLoader loader;

	private final String policy;

	private final List<String> bindings;

	private final int maxResultSize;

	private final ToolDefinition definition;

	/**
	 * Creates a tool.
	 * @param loader the loader that runs the code
	 * @param toolName the name the model sees
	 * @param description what the tool is for, in words for the model
	 * @param policy the policy the code runs under
	 * @param bindings the binding names each worker receives in {@code env}
	 * @param declarations the TypeScript declarations of the policy's API
	 * @param maxResultSize the largest answer, in characters of JSON
	 */
	public CodeModeToolCallback(WorkerLoader loader, String toolName, String description, String policy,
			List<String> bindings, String declarations, int maxResultSize) {
		this.loader = Objects.requireNonNull(loader, "'loader' must not be null");
		this.policy = policy;
		this.bindings = List.copyOf(bindings);
		if (maxResultSize < 256) {
			throw new IllegalArgumentException("The answer of Code Mode tool '" + toolName
					+ "' must be allowed at least 256 characters, not " + maxResultSize);
		}
		this.maxResultSize = maxResultSize;
		this.definition = DefaultToolDefinition.builder()
			.name(toolName)
			.description(description(description, declarations))
			.inputSchema(INPUT_SCHEMA)
			.build();
	}

	private static String description(String description, String declarations) {
		return description.strip() + "\n\nWrite JavaScript (not TypeScript) against this API; env holds the bindings."
				+ " Return JSON-like data; console.log output comes back in logs. The answer is JSON:"
				+ " {result, logs, error}.\n\n" + declarations.strip();
	}

	@Override
	public ToolDefinition getToolDefinition() {
		return this.definition;
	}

	@Override
	public String call(String toolInput) {
		return call(toolInput, null);
	}

	@Override
	public String call(String toolInput, @Nullable ToolContext toolContext) {
		String code = code(toolInput);
		if (code == null) {
			return answer(null, List.of(), false, Map.of("name", "InvalidInput", "message",
					"The tool input must be a JSON object with a 'code' string holding the JavaScript to run."));
		}
		RunResult run = this.loader.run(code, null, this::customize);
		Map<String, Object> error = null;
		if (run.error() != null) {
			error = new LinkedHashMap<>();
			error.put("name", run.error().name());
			error.put("message", run.error().message());
			if (!run.error().stack().isEmpty()) {
				error.put("stack", run.error().stack());
			}
			if (run.quota() != null) {
				error.put("quota", run.quota().name());
			}
		}
		return answer(run.value(), run.logs(), run.logsTruncated(), error);
	}

	private void customize(WorkerCode.Builder code) {
		code.policy(this.policy);
		for (String binding : this.bindings) {
			code.env(binding);
		}
	}

	private static @Nullable String code(String toolInput) {
		String input = (toolInput != null) ? toolInput.strip() : "";
		if (!input.startsWith("{")) {
			return input.isEmpty() ? null : input;
		}
		try {
			JsonNode node = JSON.readTree(input);
			JsonNode code = node.get("code");
			return (code != null && code.isString() && !code.asString().isBlank()) ? code.asString() : null;
		}
		catch (JacksonException ex) {
			// Not JSON after all: an object literal or a block the model sent bare.
			return input;
		}
	}

	/**
	 * Renders the answer, cut to the maximum size: log lines first (the last ones are
	 * kept), then the result, each with a marker saying what was left out.
	 */
	String answer(@Nullable Object result, List<LogEntry> logs, boolean logsTruncated,
			@Nullable Map<String, Object> error) {
		List<String> lines = new ArrayList<>(logs.size() + 1);
		for (LogEntry entry : logs) {
			lines.add("[" + entry.level() + "] " + entry.message());
		}
		if (logsTruncated) {
			lines.add("[truncated: the sandbox kept only the first part of the console output]");
		}
		Map<String, @Nullable Object> answer = new LinkedHashMap<>();
		answer.put("result", result);
		answer.put("logs", lines);
		answer.put("error", error);
		String json = JSON.writeValueAsString(answer);
		if (json.length() <= this.maxResultSize) {
			return json;
		}
		// Logs get at most a quarter of the answer, the most recent lines first.
		int logBudget = this.maxResultSize / 4;
		List<String> kept = new ArrayList<>();
		int used = 0;
		for (int i = lines.size() - 1; i >= 0; i--) {
			int size = JSON.writeValueAsString(lines.get(i)).length() + 1;
			if (used + size > logBudget) {
				break;
			}
			kept.add(0, lines.get(i));
			used += size;
		}
		if (kept.size() < lines.size()) {
			kept.add(0, "[truncated: " + (lines.size() - kept.size()) + " earlier log lines left out]");
		}
		answer.put("logs", kept);
		if (error != null && JSON.writeValueAsString(error).length() > this.maxResultSize / 4) {
			Map<String, Object> shortError = new LinkedHashMap<>(error);
			shortError.remove("stack");
			shortError.put("message", cut(String.valueOf(error.get("message")), this.maxResultSize / 8));
			answer.put("error", shortError);
		}
		json = JSON.writeValueAsString(answer);
		if (json.length() <= this.maxResultSize) {
			return json;
		}
		String full = JSON.writeValueAsString(result);
		answer.put("result", "");
		int room = this.maxResultSize - JSON.writeValueAsString(answer).length() - 200;
		for (int attempt = 0; attempt < 8; attempt++) {
			int length = Math.max(0, Math.min(room, full.length()));
			answer.put("result",
					full.substring(0, length) + "...[truncated: the result is " + full.length()
							+ " characters of JSON, only the first " + length
							+ " are shown. Return less: a count, a slice or a summary]");
			json = JSON.writeValueAsString(answer);
			if (json.length() <= this.maxResultSize || length == 0) {
				return json;
			}
			room -= (json.length() - this.maxResultSize) + 16;
		}
		return json;
	}

	private static String cut(String text, int max) {
		return (text.length() <= max) ? text : text.substring(0, max) + "...[truncated]";
	}

	@Override
	public String toString() {
		return "CodeModeToolCallback[name=" + this.definition.name() + ", policy=" + this.policy + "]";
	}

}
