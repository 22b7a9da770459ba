package dev.workerloader.sandbox;

import java.util.Map;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerLoadException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a sandbox cannot reach: host globals, host classes, files, other modules' paths,
 * threads and processes. Each case runs in a fresh worker.
 */
class SandboxIsolationTests {

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void startLoader() {
		loader = GraalWorkerLoader.builder().build();
	}

	@AfterAll
	static void stopLoader() {
		loader.close();
	}

	@ParameterizedTest(name = "typeof {0} is undefined")
	@ValueSource(strings = { "Java", "Polyglot", "Packages", "java", "javax", "require", "process", "print", "load",
			"loadWithNewGlobal", "quit", "exit", "readline", "readbuffer", "read", "Graal", "Worker", "module",
			"__dirname", "Deno", "Bun", "importScripts", "XMLHttpRequest", "WebAssembly" })
	void hostGlobalIsNotDefined(String global) {
		try (Worker worker = loader.load(WorkerCode.of("export default { run() { return typeof " + global + "; } }"))) {
			assertThat(worker.getEntrypoint().call("run")).isEqualTo("undefined");
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "Java.type('java.lang.System')", "Polyglot.eval('js', '1')", "load('/etc/passwd')",
			"require('fs')", "process.exit(1)", "Packages.java.lang.System", "print('x')" })
	void reachingForTheHostThrowsInTheGuest(String expression) {
		try (Worker worker = loader.load(WorkerCode.of("export default { run() { return " + expression + "; } }"))) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> assertThat(ex.getName()).isIn("ReferenceError", "TypeError"));
			assertThat(worker.isClosed()).isFalse();
		}
	}

	@Test
	void globalThisReachedThroughFunctionConstructorIsTheSandboxGlobal() {
		try (Worker worker = loader.load(WorkerCode.of("export default { run() { const g = Function('return this')();"
				+ " return { same: g === globalThis, java: typeof g.Java, poly: typeof g.Polyglot,"
				+ " cc: ({}).constructor.constructor('return typeof Java')() }; } }"))) {
			assertThat(worker.getEntrypoint().call("run"))
				.isEqualTo(Map.of("same", true, "java", "undefined", "poly", "undefined", "cc", "undefined"));
		}
	}

	@ParameterizedTest(name = "import {0}")
	@ValueSource(strings = { "/etc/passwd", "../../../etc/passwd", "file:///etc/passwd", "https://example.com/x.js",
			"/app/../etc/hosts", "fs", "node:fs", "./agent.js/../../etc/passwd" })
	void staticImportOutsideTheWorkersModulesIsALoadError(String specifier) {
		assertThatExceptionOfType(WorkerLoadException.class).isThrownBy(() -> loader
			.load(WorkerCode.of("import x from '" + specifier + "'; export default { run() { return x; } }")));
	}

	@ParameterizedTest(name = "import({0})")
	@ValueSource(strings = { "/etc/passwd", "file:///etc/hostname", "https://example.com/x.js", "../etc/passwd" })
	void dynamicImportOutsideTheWorkersModulesRejects(String specifier) {
		try (Worker worker = loader.load(WorkerCode
			.of("export default { async run() { const m = await import('" + specifier + "'); return 'loaded'; } }"))) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("run"));
		}
	}

	@Test
	void dynamicImportOfOwnModuleWorks() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "export default { async run() { const m = await import('./lib/x.js'); return m.x; } }")
			.module("lib/x.js", "export const x = 7;")
			.build();
		try (Worker worker = loader.load(code)) {
			assertThat(worker.getEntrypoint().call("run")).isEqualTo(7);
		}
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = { "eval('1 + 1')|2", "new Function('a', 'return a * 2')(21)|42",
			"typeof setTimeout|function", "typeof globalThis.console.log|function" })
	void ordinaryLanguageFeaturesStayAvailable(String expression, String expected) {
		try (Worker worker = loader
			.load(WorkerCode.of("export default { run() { return String(" + expression + "); } }"))) {
			assertThat(worker.getEntrypoint().call("run")).isEqualTo(expected);
		}
	}

	@Test
	void globalsOfOneWorkerAreInvisibleToAnother() {
		try (Worker first = loader.load(WorkerCode.of("globalThis.leak = 'secret'; Object.prototype.polluted = 1;"
				+ " Array.prototype.push = () => 0; export default { run() { return typeof leak; } }"));
				Worker second = loader.load(WorkerCode.of("export default { run() { return [typeof globalThis.leak,"
						+ " ({}).polluted === undefined, [].push(1)]; } }"))) {
			assertThat(first.getEntrypoint().call("run")).isEqualTo("string");
			assertThat(second.getEntrypoint().call("run")).isEqualTo(java.util.List.of("undefined", true, 1));
		}
	}

	@Test
	void envIsFrozenAndUnknownNamesThrowWithTheGrants() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js",
					"export default { run(p, env) { const r = {}; try { env.GREETING = 'x'; } catch (e) { r.set = e.name; }"
							+ " r.value = env.GREETING; r.nested = Object.isFrozen(env.CONFIG.list);"
							+ " try { return env.DATABASE; } catch (e) { r.missing = e.message; } return r; } }")
			.env("GREETING", "hello")
			.env("CONFIG", Map.of("list", java.util.List.of(1)))
			.build();
		try (Worker worker = loader.load(code)) {
			@SuppressWarnings("unchecked")
			Map<String, Object> result = (Map<String, Object>) worker.getEntrypoint().call("run");
			assertThat(result).containsEntry("set", "TypeError")
				.containsEntry("value", "hello")
				.containsEntry("nested", true);
			assertThat((String) result.get("missing")).contains("env.DATABASE is not granted")
				.contains("policy 'default'")
				.contains("[GREETING, CONFIG]");
		}
	}

}
