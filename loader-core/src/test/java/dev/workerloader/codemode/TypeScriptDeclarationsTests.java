package dev.workerloader.codemode;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import dev.workerloader.WorkerBinding;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.binding.ExposedBinding;
import dev.workerloader.codemode.processor.WorkerDocProcessor;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TypeScriptDeclarations} and {@link WorkerDocProcessor}: what a model sees of a
 * policy's API.
 */
class TypeScriptDeclarationsTests {

	private static BindingProvider provider(ExposedBinding... bindings) {
		return BindingProvider.of(bindings);
	}

	@Test
	void rendersGrantedBindingsEnvVarsAndTheEntrypoint() {
		ExposedBinding binding = ExposedBinding.of("TASKS", new TaskServiceImpl(), TaskService.class);
		WorkerPolicy policy = WorkerPolicy.of("demo", WorkerLimits.DEFAULTS)
			.withBindings("TASKS", "NOT_REGISTERED")
			.withVars(Map.of("TEAM", "core"))
			.withSecrets(Map.of("API_TOKEN", "secret-value-1"));
		String dts = new TypeScriptDeclarations(provider(binding)).render(policy);
		assertThat(dts).contains("interface TaskService {")
			.contains("  find(status: Status, limit: number): Task[];")
			.contains("  create(title: string, tags: string[]): Promise<Task>;")
			.contains("  counts(): Record<string, number>;")
			.contains("type Status = 'OPEN' | 'DONE';")
			.contains("interface Task { id: number; title: string; status: Status; due: string | null; }")
			.contains(
					"interface Env {\n  TASKS: TaskService;\n  readonly API_TOKEN: string;\n  readonly TEAM: string;\n}")
			.contains("No network: fetch() rejects")
			.contains("run(param: unknown, env: Env, ctx: { props: Record<string, unknown> }): Promise<unknown>;")
			.doesNotContain("NOT_REGISTERED")
			.doesNotContain("secretAdminMethod")
			.doesNotContain("core")
			.doesNotContain("secret-value-1");
	}

	@Test
	void declaresFetchWhenThePolicyAllowsHosts() {
		WorkerPolicy policy = new WorkerPolicy("net", Set.of(), Map.of(), WorkerLimits.DEFAULTS,
				List.of("api.example.com"), null);
		String dts = new TypeScriptDeclarations(BindingProvider.NONE).render(policy);
		assertThat(dts).contains("declare function fetch(").contains("api.example.com");
		// Issue 19: the globals a guest can rely on are named for the model.
		assertThat(dts).contains("setTimeout", "URL", "TextEncoder", "crypto.subtle.digest", "ReadableStream",
				"CompressionStream", "structuredClone", "AbortController", "Date and Intl use UTC");
	}

	@Test
	void isMuchSmallerThanEquivalentJsonSchemaTools() {
		ExposedBinding binding = ExposedBinding.of("TASKS", new TaskServiceImpl(), TaskService.class);
		WorkerPolicy policy = WorkerPolicy.of("demo", WorkerLimits.DEFAULTS).withBindings("TASKS");
		TypeScriptDeclarations declarations = new TypeScriptDeclarations(provider(binding));
		String tools = declarations.renderJsonSchemaTools(policy);
		assertThat(tools).startsWith("[{\"type\":\"function\"")
			.contains("\"TASKS_find\"")
			.contains("\"enum\":[\"OPEN\",\"DONE\"]");
		String bindingPart = declarations.render(policy).split("interface Env")[0];
		assertThat(bindingPart.length()).isLessThan(tools.length());
	}

	@Test
	void processorRecordsJavadocAndParameterNamesThatTheRendererShows(@TempDir Path dir) throws Exception {
		Path source = dir.resolve("src/demo/Notes.java");
		Files.createDirectories(source.getParent());
		Files.writeString(source, """
				package demo;

				import dev.workerloader.WorkerBinding;

				/** Notes an agent may keep. */
				public interface Notes {

					/**
					 * Stores a note and returns its id.
					 * @param text the note
					 * @return the id
					 */
					long save(Note text);

					/** A note. @param body the text of the note */
					record Note(String body) {
					}

					@WorkerBinding(value = "NOTES", exposedAs = Notes.class)
					class Impl implements Notes {
						public long save(Note text) { return 1; }
					}
				}
				""");
		Path classes = dir.resolve("classes");
		Files.createDirectories(classes);
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		// Compiled without -parameters: the names must come from the processor.
		int status = compiler.run(null, null, null, "-d", classes.toString(), "-implicit:class", "-processor",
				WorkerDocProcessor.class.getName(), "-processorpath", System.getProperty("java.class.path"), "-cp",
				System.getProperty("java.class.path"), source.toString());
		assertThat(status).isZero();
		assertThat(classes.resolve("META-INF/worker-loader/docs/demo.Notes.properties")).exists();
		try (URLClassLoader loader = new URLClassLoader(new URL[] { classes.toUri().toURL() },
				getClass().getClassLoader())) {
			Class<?> notes = loader.loadClass("demo.Notes");
			Object impl = loader.loadClass("demo.Notes$Impl").getDeclaredConstructor().newInstance();
			ExposedBinding binding = ExposedBinding.of("NOTES", impl, notes);
			String dts = new TypeScriptDeclarations(provider(binding))
				.render(WorkerPolicy.of("p", WorkerLimits.DEFAULTS).withBindings("NOTES"));
			assertThat(dts).contains("/** Notes an agent may keep. */\ninterface Notes {")
				.contains("  /** Stores a note and returns its id. */\n  save(text: Note): number;")
				.contains("/** A note. */")
				.contains("body: string;");
		}
	}

	enum Status {

		OPEN, DONE

	}

	record Task(long id, String title, Status status, java.util.Optional<java.time.LocalDate> due) {
	}

	interface TaskService {

		List<Task> find(Status status, int limit);

		CompletableFuture<Task> create(String title, List<String> tags);

		Map<String, Integer> counts();

	}

	@WorkerBinding("TASKS")
	static class TaskServiceImpl implements TaskService {

		@Override
		public List<Task> find(Status status, int limit) {
			return List.of();
		}

		@Override
		public CompletableFuture<Task> create(String title, List<String> tags) {
			return CompletableFuture.completedFuture(new Task(1, title, Status.OPEN, java.util.Optional.empty()));
		}

		@Override
		public Map<String, Integer> counts() {
			return Map.of();
		}

		public void secretAdminMethod() throws IOException {
		}

	}

}
