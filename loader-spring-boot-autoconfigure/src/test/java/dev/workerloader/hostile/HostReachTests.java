package dev.workerloader.hostile;

import java.util.Map;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerLoadException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static dev.workerloader.hostile.Hostile.SECRET;
import static dev.workerloader.hostile.Hostile.assertHostAliveAndClean;
import static dev.workerloader.hostile.Hostile.assertNoSecret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Attack: reaching the host from guest code. Host globals, host class lookup, files and
 * URLs, the global object through the Function constructor, and reflection through the
 * binding stubs in {@code env}. Each attack ends as a guest error or yields nothing, the
 * host keeps serving clean workers, and the secret var never shows in what the caller or
 * the host log sees.
 *
 * @author Worker Loader team
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.workerloader.hostile.Hostile#loaderTiers")
@ExtendWith(OutputCaptureExtension.class)
class HostReachTests extends BothTiers {

	@AfterEach
	void hostIsAliveAndClean(CapturedOutput output) {
		assertHostAliveAndClean(loader);
		assertThat(output.getAll()).doesNotContain(SECRET);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "Java.type('java.lang.Runtime').getRuntime().exec('id')",
			"Java.type('java.lang.System').getenv()", "Packages.java.lang.System.exit(1)", "java.lang.System.exit(1)",
			"Polyglot.eval('js', '1')", "Polyglot.import('x')", "load('/etc/passwd')",
			"load('https://example.com/x.js')", "loadWithNewGlobal({ script: '1', name: 'x' })", "require('fs')",
			"require('child_process')", "process.env", "process.binding('fs')", "print(1)", "Graal.versionJS", "quit()",
			"new Worker('x.js')", "WebAssembly.compile(new Uint8Array(8))" })
	void hostEntryPointsAreMissing(String expression) {
		Hostile.sampleOnProcessTier(this.tier, expression, "Java.type('java.lang.Runtime').getRuntime().exec('id')",
				"Packages.java.lang.System.exit(1)", "load('/etc/passwd')", "require('fs')", "process.env");
		try (Worker worker = loader.load(Hostile.code("default", "run(p, env) { return " + expression + "; }"))) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> {
					assertThat(ex.getName()).isIn("ReferenceError", "TypeError");
					assertNoSecret(ex);
				});
			assertThat(worker.isClosed()).isFalse();
		}
	}

	@ParameterizedTest(name = "import {0}")
	@ValueSource(strings = { "/etc/passwd", "file:///etc/passwd", "../../../../etc/passwd", "https://example.com/x.js",
			"http://169.254.169.254/latest/meta-data/", "data:text/javascript,export default 1", "jar:file:/x!/y.js",
			"node:child_process", "/app/../proc/self/environ" })
	void staticImportOfFilesAndUrlsIsALoadError(String specifier) {
		Hostile.sampleOnProcessTier(this.tier, specifier, "/etc/passwd", "file:///etc/passwd",
				"http://169.254.169.254/latest/meta-data/", "node:child_process");
		assertThatExceptionOfType(WorkerLoadException.class)
			.isThrownBy(() -> loader
				.load(WorkerCode.of("import x from '" + specifier + "';" + " export default { run() { return x; } }")))
			.satisfies(Hostile::assertNoSecret);
	}

	@ParameterizedTest(name = "import({0})")
	@ValueSource(strings = { "/etc/passwd", "file:///proc/self/environ", "https://example.com/x.js",
			"data:text/javascript,export default 1", "../etc/hosts" })
	void dynamicImportOfFilesAndUrlsRejects(String specifier) {
		Hostile.sampleOnProcessTier(this.tier, specifier, "file:///proc/self/environ", "https://example.com/x.js");
		try (Worker worker = loader.load(Hostile.code("default",
				"async run() { const m = await import('" + specifier + "'); return String(m.default); }"))) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> {
					assertThat(ex.getName()).isIn("Error", "TypeError", "SyntaxError");
					assertNoSecret(ex);
				});
		}
	}

	@Test
	void globalObjectThroughTheFunctionConstructorIsTheSandboxGlobal() {
		try (Worker worker = loader.load(Hostile.code("default", "run() { const g = Function('return this')();"
				+ " const g2 = (0, eval)('this'); const g3 = (function () { return this; }).call(null) || null;"
				+ " const names = Object.getOwnPropertyNames(g);"
				+ " return { same: g === globalThis && g2 === globalThis, host: names.filter((n) =>"
				+ " ['Java', 'Packages', 'Polyglot', 'java', 'javax', 'load', 'print', 'Graal', 'require', 'process']"
				+ ".includes(n)).length, strictThis: g3 === null }; }"))) {
			assertThat(worker.getEntrypoint().call("run"))
				.isEqualTo(Map.of("same", true, "host", 0, "strictThis", true));
		}
	}

	@Test
	void bindingStubsHaveNoHostObjectBehindThem() {
		try (Worker worker = loader.load(withApi("run(p, env) { const s = env.api; return {"
				+ " own: Reflect.ownKeys(s).map(String), env: Reflect.ownKeys(env).map(String),"
				+ " proto: Object.getPrototypeOf(s) === Object.prototype,"
				+ " ctor: s.echo.constructor.constructor('return typeof Java + typeof Polyglot')(),"
				+ " dunder: s.__proto__ === Object.prototype && s.echo.__proto__ === Function.prototype,"
				+ " source: String(s.echo), getClass: typeof s.getClass, hashCode: typeof s.hashCode,"
				+ " wait: typeof s.wait, javaMembers: s.echo.equals === undefined && s.echo.class === undefined }; }"))) {
			assertThat(worker.getEntrypoint().call("run"))
				.isEqualTo(Map.of("own", java.util.List.of("echo"), "env", java.util.List.of("API_KEY", "api"), "proto",
						true, "ctor", "undefinedundefined", "dunder", true, "source", "function () { [native code] }",
						"getClass", "undefined", "hashCode", "undefined", "wait", "undefined", "javaMembers", true));
		}
	}

	@ParameterizedTest(name = "env.api.{0}()")
	@ValueSource(strings = { "notExported", "getClass", "hashCode", "wait", "notify", "secret" })
	void methodsOutsideTheExposedInterfaceAreNotCallable(String method) {
		Hostile.sampleOnProcessTier(this.tier, method, "notExported", "getClass", "secret");
		try (Worker worker = loader.load(withApi("run(p, env) { return env.api." + method + "(); }"))) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> {
					assertThat(ex.getName()).isEqualTo("TypeError");
					assertNoSecret(ex);
				});
		}
		assertThat(Api.notExportedCalls).isZero();
	}

	@Test
	void stubsCannotBeRewiredToReachAnotherMethodOrBinding() {
		try (Worker worker = loader.load(withApi("run(p, env) { const r = [];"
				+ " try { env.api.echo = env.api.echo.bind(null, 'x'); } catch (e) { r.push(e.name); }"
				+ " try { Object.setPrototypeOf(env, {}); } catch (e) { r.push(e.name); }"
				+ " try { env.other = 1; } catch (e) { r.push(e.name); }"
				+ " try { delete env.api; } catch (e) { r.push(e.name); }"
				+ " r.push(env.api.echo.call({ binding: 'other' }, 'hi'));"
				+ " r.push(Reflect.apply(env.api.echo, env, ['there'])); return r; }"))) {
			assertThat(worker.getEntrypoint().call("run"))
				.isEqualTo(java.util.List.of("TypeError", "TypeError", "TypeError", "TypeError", "hi", "there"));
		}
	}

	@Test
	void errorsFromTheHostCarryNoHostStackOrClassNames() {
		try (Worker worker = loader.load(withApi("run(p, env) { try { env.api.echo({ not: 'a string' }); }"
				+ " catch (e) { return [e.message, e.stack]; } }"))) {
			Object result = worker.getEntrypoint().call("run");
			assertThat(String.valueOf(result)).doesNotContain("java.", "dev.workerloader", "jackson", ".java:", SECRET);
		}
	}

	private static WorkerCode withApi(String methods) {
		return WorkerCode.builder()
			.module("agent.js", "export default { " + methods + " }")
			.env("api", new Api(), ApiContract.class)
			.build();
	}

	/**
	 * What the test binding exposes.
	 */
	public interface ApiContract {

		String echo(String value);

	}

	/**
	 * A binding with more public methods than it exposes.
	 */
	public static final class Api implements ApiContract {

		static volatile int notExportedCalls;

		@Override
		public String echo(String value) {
			return value;
		}

		public String notExported() {
			notExportedCalls++;
			return SECRET;
		}

		public String secret() {
			notExportedCalls++;
			return SECRET;
		}

	}

}
