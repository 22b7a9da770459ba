package dev.workerloader.autoconfigure;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.workerloader.WorkerLoader;
import dev.workerloader.ai.CodeModeToolCallback;
import dev.workerloader.ai.CodeModeToolCallbackProvider;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.codemode.TypeScriptDeclarations;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerPolicy;

import org.springframework.ai.tool.ToolCallback;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of Code Mode as Spring AI tools: with {@code spring-ai-model} on
 * the class path, one {@link CodeModeToolCallback} per entry of
 * {@code worker-loader.code-mode.tools}, in a {@link CodeModeToolCallbackProvider}.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@AutoConfiguration(after = WorkerLoaderAutoConfiguration.class)
@ConditionalOnClass({ ToolCallback.class, WorkerLoader.class })
@ConditionalOnBooleanProperty(name = WorkerLoaderProperties.CONFIG_PREFIX + ".enabled", matchIfMissing = true)
@ConditionalOnBean({ WorkerLoader.class, PolicyResolver.class, BindingProvider.class })
public final class WorkerLoaderCodeModeAutoConfiguration {

	private static final String TOOLS = WorkerLoaderProperties.CONFIG_PREFIX + ".code-mode.tools.";

	/** What OpenAI, Anthropic and Ollama accept as a function name. */
	private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	@Bean
	@ConditionalOnMissingBean
	CodeModeToolCallbackProvider workerLoaderCodeModeTools(WorkerLoaderProperties properties, WorkerLoader loader,
			PolicyResolver policies, BindingProvider bindings) {
		Map<String, WorkerLoaderProperties.Tool> configured = properties.getCodeMode().getTools();
		TypeScriptDeclarations declarations = new TypeScriptDeclarations(bindings);
		List<CodeModeToolCallback> tools = new ArrayList<>();
		Set<String> names = new HashSet<>();
		configured.forEach((name, tool) -> {
			String policyName = (tool.getPolicy() != null) ? tool.getPolicy() : name;
			WorkerPolicy policy = policies.find(policyName);
			if (policy == null) {
				List<String> known = policies.policies().stream().map(WorkerPolicy::name).toList();
				throw new InvalidConfigurationPropertyValueException(TOOLS + name + ".policy", policyName,
						"Code Mode tool '" + name + "' names policy '" + policyName + "', which is not defined"
								+ " (defined: " + known + "). Define it under worker-loader.policies." + policyName
								+ ", or name one of those.");
			}
			String toolName = (tool.getToolName() != null) ? tool.getToolName() : (configured.size() == 1)
					? "run_javascript" : "run_javascript_" + name.replaceAll("[^A-Za-z0-9_-]", "_");
			if (!TOOL_NAME.matcher(toolName).matches()) {
				throw new InvalidConfigurationPropertyValueException(TOOLS + name + ".tool-name", toolName,
						"A tool name must be 1 to 64 letters, digits, '_' or '-', as chat model APIs require.");
			}
			if (!names.add(toolName)) {
				throw new InvalidConfigurationPropertyValueException(TOOLS + name + ".tool-name", toolName,
						"Another Code Mode tool already has this name; give each tool its own tool-name.");
			}
			long maxResultSize = tool.getMaxResultSize().toBytes();
			if (maxResultSize < 256 || maxResultSize > Integer.MAX_VALUE) {
				throw new InvalidConfigurationPropertyValueException(TOOLS + name + ".max-result-size",
						tool.getMaxResultSize(), "The answer must be allowed between 256B and 2GB.");
			}
			String description = (tool.getDescription() != null) ? tool.getDescription()
					: "Runs JavaScript in a sandbox under policy '" + policyName + "' and returns its result."
							+ " Call the API below from code: loop, filter and combine calls in one run"
							+ " instead of many tool calls.";
			tools.add(new CodeModeToolCallback(loader, toolName, description, policyName,
					bindingNames(policy, bindings), declarations.render(policy), (int) maxResultSize));
		});
		return new CodeModeToolCallbackProvider(tools);
	}

	private static List<String> bindingNames(WorkerPolicy policy, BindingProvider bindings) {
		List<String> names = new ArrayList<>();
		for (String name : policy.bindings().contains("*") ? bindings.names() : policy.bindings()) {
			if (bindings.find(name) != null) {
				names.add(name);
			}
		}
		return names;
	}

}
