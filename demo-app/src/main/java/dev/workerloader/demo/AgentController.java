package dev.workerloader.demo;

import dev.workerloader.WorkerLoader;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.codemode.RunResult;
import dev.workerloader.codemode.TypeScriptDeclarations;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerPolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Runs agent code in a fresh sandbox per request (Code Mode), and tells agents the API
 * they may write against.
 *
 * @author Worker Loader team
 */
@RestController
@RequestMapping("/api/agents")
class AgentController {

	static final String POLICY = "demo";

	private final WorkerLoader loader;

	private final TypeScriptDeclarations declarations;

	private final WorkerPolicy policy;

	AgentController(WorkerLoader loader, PolicyResolver policies, BindingProvider bindings) {
		this.loader = loader;
		this.declarations = new TypeScriptDeclarations(bindings);
		WorkerPolicy demo = policies.find(POLICY);
		if (demo == null) {
			throw new IllegalStateException("The demo needs policy '" + POLICY + "' in application.yml");
		}
		this.policy = demo;
	}

	/**
	 * Runs the code as the model wrote it and returns everything about the run: value,
	 * logs, error, quota and durations.
	 */
	@PostMapping("/run")
	RunResult run(@RequestBody RunRequest request) {
		return this.loader.run(request.code(), request.param(),
				(code) -> code.env("CHAT_ROOM").policy(POLICY).clientId("playground"));
	}

	/**
	 * The TypeScript declarations of the API an agent may call.
	 */
	@GetMapping(path = "/types", produces = MediaType.TEXT_PLAIN_VALUE)
	String types() {
		return this.declarations.render(this.policy);
	}

	/**
	 * The same API as JSON-schema tool definitions, for comparison with {@link #types()}.
	 */
	@GetMapping(path = "/tools", produces = MediaType.APPLICATION_JSON_VALUE)
	String tools() {
		return this.declarations.renderJsonSchemaTools(this.policy);
	}

	record RunRequest(String code, @Nullable Object param) {
	}

}
