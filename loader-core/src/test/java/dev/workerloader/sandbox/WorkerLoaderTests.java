package dev.workerloader.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.workerloader.Entrypoint;
import dev.workerloader.Invocation;
import dev.workerloader.LogEntry;
import dev.workerloader.Worker;
import dev.workerloader.WorkerClosedException;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerLoadException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Behaviour of {@link GraalWorkerLoader} with real GraalJS sandboxes: modules,
 * entrypoints, values crossing the boundary, errors, concurrency and the worker
 * lifecycle.
 */
class WorkerLoaderTests {

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void startLoader() {
		loader = GraalWorkerLoader.builder().build();
	}

	@AfterAll
	static void stopLoader() {
		loader.close();
	}

	private static Worker load(String source) {
		return loader.load(WorkerCode.of(source));
	}

	@Test
	void callsMethodOfDefaultExportWithParamEnvAndCtx() {
		WorkerCode code = WorkerCode.builder()
			.compatibilityDate("2026-03-01")
			.mainModule("agent.js")
			.module("agent.js",
					"export default { myAgent(param, env, ctx) { return env.GREETING + ' ' + param.name; } }")
			.env("GREETING", "hello")
			.build();
		try (Worker worker = loader.load(code)) {
			assertThat(worker.getEntrypoint().call("myAgent", Map.of("name", "bob"))).isEqualTo("hello bob");
		}
	}

	@Test
	void resolvesRelativeImportsBetweenModules() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js",
					"import { twice } from './lib/util.js';\n" + "export default { run(p) { return twice(p); } }")
			.module("lib/util.js",
					"import { base } from '../lib/base.js'; export function twice(x) { return base(x) * 2; }")
			.module("lib/base.js", "export const base = (x) => x + 1;")
			.build();
		try (Worker worker = loader.load(code)) {
			assertThat(worker.getEntrypoint().call("run", 20)).isEqualTo(42);
		}
	}

	@Test
	void importsJsonModulesAsTheirParsedValue() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js",
					"import config from './config.json'; export default { run() { return config.items.length + config.name; } }")
			.jsonModule("config.json", "{ \"name\": \"x\", \"items\": [1, 2, 3] }")
			.build();
		try (Worker worker = loader.load(code)) {
			assertThat(worker.getEntrypoint().call("run")).isEqualTo("3x");
		}
	}

	@Test
	void importsTextModulesAsStrings() {
		String text = "line one\n\"quoted\" `backtick` ${not.a.template} </script>\u2028end";
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "import prompt from './prompt.txt'; export default { run() { return prompt; } }")
			.textModule("prompt.txt", text)
			.build();
		try (Worker worker = loader.load(code)) {
			assertThat(worker.getEntrypoint().call("run")).isEqualTo(text);
		}
	}

	@Test
	void jsonModuleCannotSmuggleCode() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "import c from './c.json'; export default { run() { return c; } }")
			.jsonModule("c.json", "{}; globalThis.pwned = true; export const x = 1")
			.build();
		assertThatExceptionOfType(WorkerLoadException.class).isThrownBy(() -> loader.load(code)).satisfies((ex) -> {
			assertThat(ex.getModule()).isEqualTo("c.json");
			assertThat(ex.getMessage()).contains("JSON module 'c.json' that is not valid JSON");
		});
	}

	@Test
	void callsNamedEntrypointsWithProps() {
		try (Worker worker = load("export default { hi() { return 'default'; } };\n"
				+ "export const Admin = { stats(param, env, ctx) { return { tenant: ctx.props.tenant, param }; } };")) {
			Object stats = worker.getEntrypoint("Admin", Map.of("tenant", "t1")).call("stats");
			assertThat(stats).isEqualTo(Map.of("tenant", "t1"));
			assertThat(worker.getEntrypoint().call("hi")).isEqualTo("default");
		}
	}

	@Test
	void awaitsPromisesReturnedByAsyncMethods() {
		try (Worker worker = load("export default { async myAgent(p) { const a = await Promise.resolve(p * 2);"
				+ " await null; return { a, chained: await new Promise((r) => r(a + 1)) }; } }")) {
			assertThat(worker.getEntrypoint().call("myAgent", 20)).isEqualTo(Map.of("a", 40, "chained", 41));
		}
	}

	@Test
	void callAsyncCompletesWithTheResult() throws Exception {
		try (Worker worker = load("export default { async myAgent(p) { return p + '!'; } }")) {
			CompletableFuture<Object> future = worker.getEntrypoint().callAsync("myAgent", "go");
			assertThat(future.get(30, TimeUnit.SECONDS)).isEqualTo("go!");
		}
	}

	@Test
	void asyncRejectionBecomesWorkerExceptionWithGuestNameAndStack() {
		try (Worker worker = load("async function inner() { await null; throw new RangeError('too far'); }\n"
				+ "export default { async myAgent() { return await inner(); } }")) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("myAgent"))
				.satisfies((ex) -> {
					assertThat(ex.getName()).isEqualTo("RangeError");
					assertThat(ex.getGuestMessage()).isEqualTo("too far");
					assertThat(ex.getGuestStack()).contains("agent.js:1")
						.doesNotContain("/app/")
						.doesNotContain("dev.workerloader");
				});
		}
	}

	@Test
	void syncThrowKeepsGuestErrorNameMessageAndStackWithoutHostFrames() {
		try (Worker worker = load("function check(x) { if (!x) { throw new TypeError('x is required'); } }\n"
				+ "export default { myAgent(p) { check(p); return 1; } }")) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("myAgent"))
				.satisfies((ex) -> {
					assertThat(ex.getName()).isEqualTo("TypeError");
					assertThat(ex.getMessage()).contains("x is required").contains("worker-");
					assertThat(ex.getGuestStack()).contains("at check (agent.js:1:").contains("agent.js:2");
					assertThat(ex.getGuestStack()).doesNotContain("java.")
						.doesNotContain("org.graalvm")
						.doesNotContain("worker-loader-runtime");
				});
		}
	}

	@Test
	void nonErrorThrownValuesAreDescribed() {
		try (Worker worker = load(
				"export default { a() { throw 'plain string'; }, b() { throw { name: 'Custom', message: 'obj' }; } }")) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("a"))
				.satisfies((ex) -> assertThat(ex.getGuestMessage()).isEqualTo("Uncaught plain string"));
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("b"))
				.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("Custom"));
		}
	}

	@Test
	void syntaxErrorIsALoadErrorWithModuleLineAndColumn() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "import { f } from './lib/bad.js';\nexport default { run() { return f(); } }")
			.module("lib/bad.js", "export function f() {\n  return 1 +;\n}")
			.build();
		assertThatExceptionOfType(WorkerLoadException.class).isThrownBy(() -> loader.load(code)).satisfies((ex) -> {
			assertThat(ex.getName()).isEqualTo("SyntaxError");
			assertThat(ex.getModule()).isEqualTo("lib/bad.js");
			assertThat(ex.getLine()).isEqualTo(2);
			assertThat(ex.getColumn()).isPositive();
			assertThat(ex.getMessage()).contains("lib/bad.js").contains("line 2");
		});
	}

	@Test
	void syntaxErrorInMainModuleNamesIt() {
		assertThatExceptionOfType(WorkerLoadException.class)
			.isThrownBy(() -> load("export default {\n\n  run() { return ) }\n}"))
			.satisfies((ex) -> {
				assertThat(ex.getModule()).isEqualTo("agent.js");
				assertThat(ex.getLine()).isEqualTo(3);
			});
	}

	@Test
	void unknownImportIsALoadErrorNamingTheImport() {
		assertThatExceptionOfType(WorkerLoadException.class)
			.isThrownBy(() -> load("import x from './missing.js'; export default { run() { return x; } }"))
			.satisfies((ex) -> {
				assertThat(ex.getName()).isEqualTo("ModuleNotFound");
				assertThat(ex.getMessage()).contains("missing.js").contains(".module(");
			});
	}

	@Test
	void missingMainModuleIsALoadError() {
		assertThatExceptionOfType(WorkerLoadException.class)
			.isThrownBy(
					() -> WorkerCode.builder().mainModule("main.js").module("agent.js", "export default {}").build())
			.withMessageContaining("'main.js'")
			.withMessageContaining("[agent.js]");
	}

	@Test
	void topLevelThrowIsALoadError() {
		assertThatExceptionOfType(WorkerLoadException.class)
			.isThrownBy(() -> load("throw new Error('at top level'); export default {}"))
			.satisfies((ex) -> {
				assertThat(ex.getName()).isEqualTo("Error");
				assertThat(ex.getMessage()).contains("at top level");
			});
	}

	@Test
	void missingEntrypointOrMethodIsALoadErrorListingWhatExists() {
		try (Worker worker = load("export default { run() {} }; export const Other = { go() {} };")) {
			assertThatExceptionOfType(WorkerLoadException.class)
				.isThrownBy(() -> worker.getEntrypoint("Admin").call("stats"))
				.withMessageContaining("no export 'Admin'")
				.withMessageContaining("Other");
			assertThatExceptionOfType(WorkerLoadException.class)
				.isThrownBy(() -> worker.getEntrypoint().call("myAgent"))
				.withMessageContaining("no method 'myAgent'");
			// the worker still answers afterwards
			assertThat(worker.getEntrypoint().call("run")).isNull();
		}
	}

	@Test
	void paramIsDeepCopiedIntoTheSandbox() {
		List<Object> items = new ArrayList<>(List.of(1, 2));
		Map<String, Object> param = new java.util.HashMap<>(Map.of("items", items, "name", "n"));
		try (Worker worker = load(
				"export default { run(p) { p.items.push(3); p.name = 'changed'; p.extra = true; return p; } }")) {
			Object result = worker.getEntrypoint().call("run", param);
			assertThat(result).isEqualTo(Map.of("items", List.of(1, 2, 3), "name", "changed", "extra", true));
			assertThat(param).isEqualTo(Map.of("items", List.of(1, 2), "name", "n"));
			assertThat(items).containsExactly(1, 2);
		}
	}

	@Test
	void recordsAndPojosGoThroughJacksonAndNoJavaObjectReachesTheGuest() {
		record Order(String id, int quantity, List<String> tags) {
		}
		try (Worker worker = load("export default { run(p) { return { keys: Object.keys(p).sort(), "
				+ "hasGetClass: typeof p.getClass, proto: Object.getPrototypeOf(p) === Object.prototype, "
				+ "isArray: Array.isArray(p.tags), q: p.quantity + 1 }; } }")) {
			Object result = worker.getEntrypoint().call("run", new Order("o-1", 2, List.of("a")));
			assertThat(result).isEqualTo(Map.of("keys", List.of("id", "quantity", "tags"), "hasGetClass", "undefined",
					"proto", true, "isArray", true, "q", 3));
		}
	}

	@Test
	void resultsArePlainJavaValuesAndDetachedFromTheGuest() {
		try (Worker worker = load("const state = { list: [1] };\n"
				+ "export default { get() { return state; }, add() { state.list.push(2); return state.list.length; },"
				+ " types() { return { n: null, b: true, i: 7, d: 1.5, s: 's', u: undefined, f() {}, nested: [[1], {a: {}}] }; } }")) {
			Entrypoint entrypoint = worker.getEntrypoint();
			@SuppressWarnings("unchecked")
			Map<String, Object> first = (Map<String, Object>) entrypoint.call("get");
			entrypoint.call("add");
			assertThat(first).isEqualTo(Map.of("list", List.of(1)));
			@SuppressWarnings("unchecked")
			Map<String, Object> types = (Map<String, Object>) entrypoint.call("types");
			assertThat(types).containsEntry("b", true)
				.containsEntry("i", 7)
				.containsEntry("d", 1.5)
				.containsEntry("s", "s")
				.containsEntry("nested", List.of(List.of(1), Map.of("a", Map.of())))
				.doesNotContainKeys("u", "f");
			assertThat(types.get("n")).isNull();
		}
	}

	@Test
	void unserializableResultIsAClearGuestError() {
		try (Worker worker = load(
				"export default { run() { const a = {}; a.self = a; return a; }, big() { return 10n; } }")) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> {
					assertThat(ex.getName()).isEqualTo("TypeError");
					assertThat(ex.getGuestMessage()).contains("not JSON-serializable");
				});
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("big"))
				.satisfies((ex) -> assertThat(ex.getGuestMessage()).contains("not JSON-serializable"));
		}
	}

	@Test
	void typedProxyCallsGuestMethodsAndConvertsResults() throws Exception {
		try (Worker worker = load(
				"export default { greet(p) { return { text: 'hi ' + p.name, length: p.name.length }; },"
						+ " async count(p) { return p.length; }, ping() { return 'pong'; }, nothing() {} }")) {
			Agent agent = worker.getEntrypoint(Agent.class);
			assertThat(agent.greet(new Person("ann"))).isEqualTo(new Greeting("hi ann", 3));
			assertThat(agent.count(List.of("a", "b")).get(30, TimeUnit.SECONDS)).isEqualTo(2);
			assertThat(agent.ping()).isEqualTo("pong");
			assertThat(agent.pingTwice()).isEqualTo("pongpong");
			agent.nothing();
			assertThat(agent.toString()).contains("Agent");
		}
	}

	@Test
	void typedProxyRejectsMethodsWithMoreThanOneParameter() {
		try (Worker worker = load("export default {}")) {
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> worker.getEntrypoint(TwoParams.class))
				.withMessageContaining("declares 2 parameters");
		}
	}

	@Test
	void consoleOutputIsCapturedPerInvocation() {
		try (Worker worker = load("export default { run(p) { console.log('a', 1, {x: [1]}); console.warn('w');"
				+ " console.error(new TypeError('e')); console.info(p); console.debug(null, undefined); return 0; } }")) {
			Invocation first = worker.getEntrypoint().invoke("run", "one");
			assertThat(first.logs()).containsExactly(new LogEntry("log", "a 1 {\"x\":[1]}"), new LogEntry("warn", "w"),
					new LogEntry("error", "TypeError: e"), new LogEntry("info", "one"),
					new LogEntry("debug", "null undefined"));
			assertThat(first.logsTruncated()).isFalse();
			assertThat(first.cpuTime()).isPositive();
			assertThat(first.wallTime()).isPositive();
			Invocation second = worker.getEntrypoint().invoke("run", "two");
			assertThat(second.logs()).hasSize(5).contains(new LogEntry("info", "two"));
		}
	}

	@Test
	void consoleOutputIsBoundedAndTruncationIsMarked() {
		try (Worker worker = load(
				"export default { run() { for (let i = 0; i < 10000; i++) { console.log('x'.repeat(100)); } return 1; } }")) {
			Invocation invocation = worker.getEntrypoint().invoke("run");
			assertThat(invocation.logsTruncated()).isTrue();
			long size = invocation.logs().stream().mapToLong((entry) -> entry.message().length()).sum();
			assertThat(size).isLessThan(70 * 1024);
			assertThat(invocation.logs().get(invocation.logs().size() - 1).message()).contains("truncated");
		}
	}

	@Test
	void logsOfAFailedCallTravelWithTheException() {
		try (Worker worker = load("export default { run() { console.log('before'); throw new Error('after'); } }")) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> assertThat(ex.getLogs()).containsExactly(new LogEntry("log", "before")));
		}
	}

	@Test
	void guestRuntimeIsImmuneToTheGuestReplacingBuiltIns() {
		try (Worker worker = load("JSON.parse = () => ({ hacked: true }); JSON.stringify = () => '\"hacked\"';\n"
				+ "Promise.prototype.then = function () { throw new Error('no'); };\n"
				+ "export default { run(p) { return { got: p }; } }")) {
			assertThat(worker.getEntrypoint().call("run", Map.of("a", 1))).isEqualTo(Map.of("got", Map.of("a", 1)));
		}
	}

	@Test
	void twoWorkersRunAtTheSameTimeOnTwoThreads() throws Exception {
		String source = "export default { spin(ms) { const end = Date.now() + ms; let n = 0; while (Date.now() < end) { n++; } return n > 0; } }";
		try (Worker a = load(source); Worker b = load(source)) {
			CountDownLatch start = new CountDownLatch(1);
			CompletableFuture<Object> first = CompletableFuture.supplyAsync(() -> {
				await(start);
				return a.getEntrypoint().call("spin", 300);
			});
			CompletableFuture<Object> second = CompletableFuture.supplyAsync(() -> {
				await(start);
				return b.getEntrypoint().call("spin", 300);
			});
			start.countDown();
			assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(true);
			assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(true);
		}
	}

	@Test
	void concurrentCallsToOneWorkerAreSerialised() throws Exception {
		try (Worker worker = load("let inside = 0; let max = 0; let calls = 0;\n"
				+ "export default { async run() { inside++; max = Math.max(max, inside); calls++;"
				+ " const end = Date.now() + 5; while (Date.now() < end) {} inside--; return max; }, calls() { return calls; } }")) {
			List<CompletableFuture<Object>> futures = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				futures.add(CompletableFuture.supplyAsync(() -> worker.getEntrypoint().call("run")));
			}
			for (CompletableFuture<Object> future : futures) {
				assertThat(future.get(60, TimeUnit.SECONDS)).isEqualTo(1);
			}
			assertThat(worker.getEntrypoint().call("calls")).isEqualTo(20);
		}
	}

	@Test
	void guestCodeNeverRunsOnTheCallersThread() throws Exception {
		// Virtual threads are Java 21+; a plain thread shows the same: the guest runs on
		// ours.
		try (Worker worker = load("export default { run() { return 1; } }")) {
			AtomicInteger calls = new AtomicInteger();
			Thread caller = new Thread(() -> {
				worker.getEntrypoint().call("run");
				calls.incrementAndGet();
			}, "caller-thread");
			caller.start();
			caller.join(30_000);
			assertThat(calls).hasValue(1);
		}
	}

	@Test
	void getReusesTheKeptWorkerAndCallsTheSupplierOnlyWhenAbsent() {
		AtomicInteger supplied = new AtomicInteger();
		java.util.function.Supplier<WorkerCode> supplier = () -> {
			supplied.incrementAndGet();
			return WorkerCode.of("let n = 0; export default { next() { return ++n; } }");
		};
		try {
			Worker first = loader.get("counter", supplier);
			assertThat(first.getEntrypoint().call("next")).isEqualTo(1);
			Worker second = loader.get("counter", supplier);
			assertThat(second).isSameAs(first);
			assertThat(second.getEntrypoint().call("next")).isEqualTo(2);
			assertThat(supplied).hasValue(1);
			assertThat(first.id()).isEqualTo("counter");
		}
		finally {
			loader.evict("counter");
		}
	}

	@Test
	void eagerGetWithOtherCapabilitiesNeverReturnsAnotherCodesSandbox() {
		try {
			Worker withSecret = loader.get("shared", WorkerCode.builder()
				.module("agent.js", "export default { run(p, env) { return Object.getOwnPropertyNames(env); } }")
				.env("SECRET", "s3cr3t")
				.build());
			Worker without = loader.get("shared",
					WorkerCode.of("export default { run(p, env) { return Object.getOwnPropertyNames(env); } }"));
			assertThat(without).isNotSameAs(withSecret);
			assertThat(without.getEntrypoint().call("run")).isEqualTo(List.of());
			assertThat(withSecret.getEntrypoint().call("run")).isEqualTo(List.of("SECRET"));
		}
		finally {
			loader.evict("shared");
		}
	}

	@Test
	void evictClosesAndForgetsTheKeptWorker() {
		AtomicInteger supplied = new AtomicInteger();
		java.util.function.Supplier<WorkerCode> supplier = () -> {
			supplied.incrementAndGet();
			return WorkerCode.of("export default { run() { return 1; } }");
		};
		Worker first = loader.get("evicted", supplier);
		assertThat(loader.evict("evicted")).isTrue();
		assertThat(first.isClosed()).isTrue();
		assertThatExceptionOfType(WorkerClosedException.class).isThrownBy(() -> first.getEntrypoint().call("run"))
			.withMessageContaining("'evicted' is closed");
		assertThat(loader.evict("evicted")).isFalse();
		Worker second = loader.get("evicted", supplier);
		assertThat(second).isNotSameAs(first);
		assertThat(supplied).hasValue(2);
		loader.evict("evicted");
	}

	@Test
	void closeIsIdempotentAndCallsAfterCloseFail() {
		Worker worker = load("export default { run() { return 1; } }");
		worker.close();
		assertThatNoException().isThrownBy(worker::close);
		assertThat(worker.isClosed()).isTrue();
		assertThatExceptionOfType(WorkerClosedException.class).isThrownBy(() -> worker.getEntrypoint().call("run"));
	}

	@Test
	void closingWhileACallRunsStopsTheCall() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		Worker worker = loader.load(WorkerCode.builder()
			.module("agent.js", "export default { run(p, env) { env.probe.started(); while (true) {} } }")
			.env("probe", new StartProbe(started))
			.build());
		CompletableFuture<Object> running = worker.getEntrypoint().callAsync("run", null);
		assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
		worker.close();
		assertThat(running).failsWithin(30, TimeUnit.SECONDS)
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(WorkerClosedException.class);
	}

	@Test
	void workerIdsComeFromTheCodeNameOrAreGenerated() {
		try (Worker named = loader
			.load(WorkerCode.builder().name("invoice-render").module("a.js", "export default {}").build());
				Worker anonymous = load("export default {}")) {
			assertThat(named.id()).isEqualTo("invoice-render");
			assertThat(anonymous.id()).startsWith("worker-");
			assertThat(named.policy()).isEqualTo("default");
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Tells the test that guest code is running. */
	public static final class StartProbe {

		private final CountDownLatch started;

		StartProbe(CountDownLatch started) {
			this.started = started;
		}

		@dev.workerloader.WorkerMethod
		public void started() {
			this.started.countDown();
		}

	}

	record Person(String name) {
	}

	record Greeting(String text, int length) {
	}

	interface Agent {

		Greeting greet(Person person);

		CompletableFuture<Integer> count(List<String> items);

		String ping();

		void nothing();

		default String pingTwice() {
			return ping() + ping();
		}

	}

	interface TwoParams {

		String run(String a, String b);

	}

}
