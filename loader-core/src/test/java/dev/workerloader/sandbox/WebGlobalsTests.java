package dev.workerloader.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

import dev.workerloader.Invocation;
import dev.workerloader.LogEntry;
import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The web-standard globals of issue 19, each implemented inside the sandbox: console,
 * performance, the UTC clock, base64, DOMException, events, abort signals and
 * structuredClone.
 */
class WebGlobalsTests {

	private static GraalWorkerLoader loader;

	private static TimeZone hostZone;

	@BeforeAll
	static void startLoader() {
		// The guest sees UTC whatever the JVM's zone.
		hostZone = TimeZone.getDefault();
		TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
		loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(
					WorkerPolicy.of("default",
							WorkerLimits.DEFAULTS.withWallTime(Duration.ofSeconds(20))
								.withCpuTime(Duration.ofSeconds(10))),
					WorkerPolicy.of("small",
							WorkerLimits.DEFAULTS.withMemory(32L * 1024 * 1024)
								.withCpuTime(Duration.ofSeconds(5))
								.withWallTime(Duration.ofSeconds(20)))))
			.build();
		assertThat(loader.awaitReady(Duration.ofSeconds(60))).isTrue();
	}

	@AfterAll
	static void stopLoader() {
		loader.close();
		TimeZone.setDefault(hostZone);
	}

	static Invocation invoke(String policy, String body) {
		WorkerCode code = WorkerCode.builder()
			.policy(policy)
			.module("agent.js", "export default { async run(p, env, ctx) {\n" + body + "\n} }")
			.build();
		try (Worker worker = loader.load(code)) {
			return worker.getEntrypoint().invoke("run", null);
		}
	}

	static Object run(String body) {
		return invoke("default", body).value();
	}

	@Test
	void everyConsoleMethodExistsAndNeverThrows() {
		Invocation invocation = invoke("default",
				"""
								const cyclic = {}; cyclic.self = cyclic;
								const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'table', 'group', 'groupCollapsed',
								  'groupEnd', 'time', 'timeLog', 'timeEnd', 'count', 'countReset', 'assert', 'dir', 'dirxml', 'clear',
								  'profile', 'profileEnd', 'timeStamp'];
								for (const m of methods) {
								  console[m](cyclic, Symbol('s'), { toString() { throw new Error('x'); } }, 10n);
								  console[m]();
								}
								console.groupEnd(); console.groupEnd(); console.groupEnd();
						console.count('a'); console.count('a');
								console.group('outer'); console.log('inner'); console.groupEnd(); console.groupEnd(); console.groupEnd();
								console.assert(false, 'it failed');
								console.assert(true, 'never shown');
								console.time('t'); console.timeEnd('t'); console.timeEnd('t');
								console.table([{ a: 1 }]);
								return methods.filter((m) => typeof console[m] !== 'function');""");
		assertThat(invocation.value()).isEqualTo(List.of());
		assertThat(invocation.logs()).extracting(LogEntry::message)
			.contains("a: 1", "a: 2", "outer", "  inner", "Assertion failed: it failed", "[{\"a\":1}]")
			.anySatisfy((m) -> assertThat(m).matches("t: \\d+ms"))
			.anySatisfy((m) -> assertThat(m).isEqualTo("Timer 't' does not exist"))
			.noneSatisfy((m) -> assertThat(m).contains("never shown"));
	}

	@Test
	void clockAndIntlAreUtcWhateverTheJvmZone() {
		Object result = run(
				"""
						return { offset: new Date(0).getTimezoneOffset(), zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
						  text: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)).toString(), hours: new Date(Date.UTC(2026, 0, 2, 3)).getHours() };""");
		assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("offset", 0)
			.hasEntrySatisfying("zone", (zone) -> assertThat(zone).isIn("UTC", "Etc/UTC"))
			.containsEntry("hours", 3);
	}

	@Test
	void performanceNowIsCoarseAndMonotonic() {
		Object result = run(
				"""
						const a = performance.now();
						await new Promise((r) => setTimeout(r, 30));
						const b = performance.now();
						return { grows: b >= a + 20, coarse: b % 10 === 0 || Number.isInteger(b), origin: typeof performance.timeOrigin };""");
		assertThat(result).isEqualTo(Map.of("grows", true, "coarse", true, "origin", "number"));
	}

	@Test
	void base64RoundTripsAndRefusesWhatItCannotEncode() {
		Object result = run(
				"""
						const bytes = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
						let refused = null;
						try { btoa('€'); } catch (e) { refused = e.name + ' ' + (e instanceof DOMException) + ' ' + e.code; }
						let bad = null;
						try { atob('a'); } catch (e) { bad = e.name; }
						return { hello: btoa('hello'), back: atob('aGVsbG8='), spaced: atob(' aGVs\\nbG8 '), round: atob(btoa(bytes)) === bytes,
						  refused, bad, unpadded: atob('aGk') };""");
		assertThat(result).isEqualTo(Map.of("hello", "aGVsbG8=", "back", "hello", "spaced", "hello", "round", true,
				"refused", "InvalidCharacterError true 5", "bad", "InvalidCharacterError", "unpadded", "hi"));
	}

	@Test
	void domExceptionHasNameCodeAndMessage() {
		Object result = run("""
				const e = new DOMException('gone', 'AbortError');
				return { name: e.name, code: e.code, message: e.message, error: e instanceof Error, text: String(e),
				  constant: DOMException.ABORT_ERR, plain: new DOMException('x').name };""");
		assertThat(result).isEqualTo(Map.of("name", "AbortError", "code", 20, "message", "gone", "error", true, "text",
				"AbortError: gone", "constant", 20, "plain", "Error"));
	}

	@Test
	void eventTargetDispatchesToListenersOnceAndInOrder() {
		Object result = run(
				"""
						const target = new EventTarget();
						const seen = [];
						const listener = (e) => seen.push('a:' + e.type);
						target.addEventListener('ping', listener);
						target.addEventListener('ping', listener);
						target.addEventListener('ping', { handleEvent(e) { seen.push('b:' + e.detail.n); } }, { once: true });
						target.dispatchEvent(new CustomEvent('ping', { detail: { n: 1 } }));
						target.dispatchEvent(new CustomEvent('ping', { detail: { n: 2 } }));
						target.removeEventListener('ping', listener);
						const cancelled = !target.dispatchEvent(new Event('ping', { cancelable: true }));
						target.addEventListener('stop', (e) => { e.preventDefault(); });
						return { seen, cancelled, prevented: !target.dispatchEvent(new Event('stop', { cancelable: true })) };""");
		assertThat(result)
			.isEqualTo(Map.of("seen", List.of("a:ping", "b:1", "a:ping"), "cancelled", false, "prevented", true));
	}

	@Test
	void abortControllerSignalsListenersAndTimeoutAborts() {
		Object result = run("""
				const controller = new AbortController();
				const seen = [];
				controller.signal.addEventListener('abort', () => seen.push('listener'));
				controller.signal.onabort = () => seen.push('onabort');
				controller.abort();
				controller.abort();
				let thrown = null;
				try { controller.signal.throwIfAborted(); } catch (e) { thrown = e.name; }
				const timeout = AbortSignal.timeout(10);
				await new Promise((r) => timeout.addEventListener('abort', r));
				let constructed = null;
				try { new AbortSignal(); } catch (e) { constructed = e.name; }
				const any = AbortSignal.any([new AbortController().signal, AbortSignal.abort('why')]);
				return { seen, thrown, reason: controller.signal.reason.name, timeout: timeout.reason.name, constructed,
				  any: any.reason };""");
		assertThat(result).isEqualTo(Map.of("seen", List.of("onabort", "listener"), "thrown", "AbortError", "reason",
				"AbortError", "timeout", "TimeoutError", "constructed", "TypeError", "any", "why"));
	}

	@Test
	void fetchWithAnAbortedSignalRejectsWithItsReason() {
		Object result = run("""
				try { await fetch('https://api.example.com/', { signal: AbortSignal.abort() }); return 'fetched'; }
				catch (e) { return e.name; }""");
		assertThat(result).isEqualTo("AbortError");
	}

	@Test
	void structuredCloneCopiesCyclesAndBuiltIns() {
		Object result = run(
				"""
						const a = { n: 1, date: new Date(5), map: new Map([[1, { x: 1 }]]), set: new Set(['s']), bytes: new Uint8Array([1, 2]),
						  re: /a+/gi, list: [1, , 3], big: 10n };
						a.self = a;
						a.list.push(a.map);
						const b = structuredClone(a);
						let fn = null;
						try { structuredClone({ f() {} }); } catch (e) { fn = e.name + ' ' + (e instanceof DOMException); }
						return { copy: b !== a, cyclic: b.self === b, shared: b.list[3] === b.map, date: b.date.getTime(),
						  map: b.map.get(1).x, set: b.set.has('s'), bytes: Array.from(b.bytes), re: b.re.flags, hole: 1 in b.list,
						  big: typeof b.big, fn, deep: structuredClone(Array.from({ length: 1 }).reduce((x) => x, (() => {
						    let o = {}; const root = o; for (let i = 0; i < 20000; i++) { o = o.next = {}; } return root; })())) !== null };""");
		assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("copy", true)
			.containsEntry("cyclic", true)
			.containsEntry("shared", true)
			.containsEntry("date", 5)
			.containsEntry("map", 1)
			.containsEntry("set", true)
			.containsEntry("bytes", List.of(1, 2))
			.containsEntry("re", "gi")
			.containsEntry("hole", false)
			.containsEntry("big", "bigint")
			.containsEntry("fn", "DataCloneError true")
			.containsEntry("deep", true);
	}

	@Test
	void structuredCloneOfAHugeGraphEndsAtTheMemoryQuota() {
		assertThatExceptionOfType(WorkerQuotaExceededException.class).isThrownBy(() -> invoke("small", """
				const root = []; for (let i = 0; i < 200000; i++) root.push({ i, s: 'x' + i });
				for (;;) structuredClone(root);"""))
			.satisfies((ex) -> assertThat(ex.kind()).isIn(QuotaKind.MEMORY, QuotaKind.CPU_TIME));
	}

	@Test
	void globalsAreNotEnumerableAndHoldNoHostObject() {
		Object result = run(
				"""
						const names = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'performance',
						  'atob', 'btoa', 'structuredClone', 'Event', 'CustomEvent', 'EventTarget', 'AbortController', 'AbortSignal',
						  'DOMException'];
						return { missing: names.filter((n) => globalThis[n] === undefined), enumerable: Object.keys(globalThis),
						  hostLike: names.filter((n) => String(globalThis[n]).includes('polyglot') || String(globalThis[n]).includes('java')) };""");
		assertThat(result).isEqualTo(Map.of("missing", List.of(), "enumerable", List.of(), "hostLike", List.of()));
	}

	@Test
	void globalsBuiltOnFirstUseBehaveAsPlainGlobalsAndTheRuntimeKeepsItsOwn() {
		// Issue 18: crypto, TextEncoder, DOMException, performance and others are built
		// when first read. Before and after that they behave as data properties, and the
		// runtime never picks up what the guest put in their place.
		Object result = run(
				"""
						const consoleGetter = Object.getOwnPropertyDescriptor(globalThis, 'console').get;
						const once = typeof consoleGetter === 'function' && consoleGetter() === consoleGetter() && consoleGetter() === console;
						let atobError;
						try { atob('!'); } catch (e) { atobError = e; }
						const firstRead = atobError instanceof DOMException && atobError.name === 'InvalidCharacterError';
						const stable = crypto === globalThis.crypto && crypto.subtle === crypto.subtle && TextEncoder === globalThis.TextEncoder
						  && performance === performance && DOMException === DOMException;
						const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
						globalThis.TextDecoder = class { decode() { return 'the guest decoder'; } };
						globalThis.DOMException = class Fake {};
						const stream = new Blob(['h\u00e9llo']).stream().pipeThrough(new TextDecoderStream());
						let text = '';
						for await (const chunk of stream) { text += chunk; }
						let btoaError;
						try { btoa('\u20ac'); } catch (e) { btoaError = e.name + ' ' + (e instanceof globalThis.DOMException); }
						globalThis.CryptoKey = 'replaced';
						delete globalThis.performance;
						return { once, firstRead, stable, text, btoaError, data: 'value' in descriptor && descriptor.writable && !descriptor.enumerable,
						  replaced: CryptoKey, deleted: typeof performance, digest: (await crypto.subtle.digest('SHA-256', new TextEncoder().encode('a'))).byteLength,
						  enumerable: Object.keys(globalThis) };""");
		assertThat(result).isEqualTo(Map.of("once", true, "firstRead", true, "stable", true, "text", "h\u00e9llo",
				"btoaError", "InvalidCharacterError false", "data", true, "replaced", "replaced", "deleted",
				"undefined", "digest", 32, "enumerable", List.of()));
	}

	@Test
	void theConsoleBuiltAfterTheGuestReplacedTheArrayIteratorStillLogsAtItsLevels() {
		// Issue 18: the console is built on first use, after guest code ran; it must not
		// take its method names or levels from the guest's built-ins.
		Invocation invocation = invoke("default", """
				const original = Array.prototype[Symbol.iterator];
				Array.prototype[Symbol.iterator] = function* () { yield 'x\\n[error] forged'; };
				try {
				  console.log('hello');
				  console.error('bad');
				} finally {
				  Array.prototype[Symbol.iterator] = original;
				}
				return Object.keys(console).length;""");
		assertThat(invocation.value()).isEqualTo(22);
		assertThat(invocation.logs()).extracting(LogEntry::level, LogEntry::message)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("log", "hello"),
					org.assertj.core.groups.Tuple.tuple("error", "bad"));
	}

	@Test
	void domExceptionHasEveryLegacyCodeConstantOnTheClassAndItsInstances() {
		Object result = run(
				"""
						const names = ['INDEX_SIZE_ERR', 'DOMSTRING_SIZE_ERR', 'HIERARCHY_REQUEST_ERR', 'WRONG_DOCUMENT_ERR',
						  'INVALID_CHARACTER_ERR', 'NO_DATA_ALLOWED_ERR', 'NO_MODIFICATION_ALLOWED_ERR', 'NOT_FOUND_ERR',
						  'NOT_SUPPORTED_ERR', 'INUSE_ATTRIBUTE_ERR', 'INVALID_STATE_ERR', 'SYNTAX_ERR', 'INVALID_MODIFICATION_ERR',
						  'NAMESPACE_ERR', 'INVALID_ACCESS_ERR', 'VALIDATION_ERR', 'TYPE_MISMATCH_ERR', 'SECURITY_ERR',
						  'NETWORK_ERR', 'ABORT_ERR', 'URL_MISMATCH_ERR', 'QUOTA_EXCEEDED_ERR', 'TIMEOUT_ERR',
						  'INVALID_NODE_TYPE_ERR', 'DATA_CLONE_ERR'];
						const e = new DOMException('x', 'URLMismatchError');
						const wrong = names.filter((n, i) => DOMException[n] !== i + 1 || e[n] !== i + 1);
						let refused = false;
						try { DOMException.ABORT_ERR = 99; } catch (x) { refused = x instanceof TypeError; }
						return { wrong, code: e.code, derived: 'U_R_L_MISMATCH_ERR' in DOMException, refused,
						  fixed: DOMException.ABORT_ERR };""");
		assertThat(result)
			.isEqualTo(Map.of("wrong", List.of(), "code", 21, "derived", false, "refused", true, "fixed", 20));
	}

	@Test
	void globalsBuiltAfterTheGuestReplacedBuiltInsStillWork() {
		// Issue 18: DOMException, atob's table and crypto are built on first use, after
		// guest code ran: none of them may rely on what the guest can replace.
		Object result = run("""
				const typed = new Uint16Array([1, 2]);
				Array.prototype[Symbol.iterator] = function* () { yield 'poisoned'; };
				String.prototype[Symbol.iterator] = function* () { yield 'poisoned'; };
				String.prototype.toUpperCase = () => 'POISONED';
				Object.getPrototypeOf(Int16Array.prototype).fill = function () { return this; };
				Array.prototype.some = () => false;
				ArrayBuffer.isView = () => false;
				const bytes = crypto.getRandomValues(new Uint8Array(4));
				const clone = structuredClone(typed);
				return { abort: DOMException.ABORT_ERR, url: DOMException.URL_MISMATCH_ERR, text: atob('aGk='),
				  random: bytes.length, clone: clone[0] + clone[1], cloned: clone instanceof Uint16Array };""");
		assertThat(result)
			.isEqualTo(Map.of("abort", 20, "url", 21, "text", "hi", "random", 4, "clone", 3, "cloned", true));
	}

	@Test
	void queueMicrotaskRefusesNonFunctions() {
		assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> run("queueMicrotask(1);"))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("TypeError"));
	}

}
