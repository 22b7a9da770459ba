package dev.workerloader.ai;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;

/**
 * The Code Mode tools configured under {@code worker-loader.code-mode.tools}, one per
 * entry. Give them to a {@code ChatClient} with {@code .defaultTools(provider)}.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class CodeModeToolCallbackProvider implements ToolCallbackProvider {

	private final List<CodeModeToolCallback> tools;

	/**
	 * Creates a provider.
	 * @param tools the tools
	 */
	public CodeModeToolCallbackProvider(List<CodeModeToolCallback> tools) {
		this.tools = List.copyOf(tools);
	}

	@Override
	public ToolCallback[] getToolCallbacks() {
		return this.tools.toArray(new ToolCallback[0]);
	}

	/**
	 * Returns the tool of the given name, as the model sees it.
	 * @param toolName the tool name
	 * @return the tool, or {@code null}
	 */
	public @Nullable CodeModeToolCallback getTool(String toolName) {
		for (CodeModeToolCallback tool : this.tools) {
			if (tool.getToolDefinition().name().equals(toolName)) {
				return tool;
			}
		}
		return null;
	}

}
