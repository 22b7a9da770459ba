package dev.workerloader.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

/**
 * URL, text encoding, crypto, Blob, File, FormData, Request and Response without a
 * network, and streams (issue 19), in real sandboxes.
 */
class WebApiTests {

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void startLoader() {
		loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(
					WorkerPolicy.of("default",
							WorkerLimits.DEFAULTS.withWallTime(Duration.ofSeconds(30))
								.withCpuTime(Duration.ofSeconds(20))),
					WorkerPolicy.of("small",
							WorkerLimits.DEFAULTS.withMemory(64L * 1024 * 1024)
								.withCpuTime(Duration.ofSeconds(20))
								.withWallTime(Duration.ofSeconds(30)))))
			.build();
		assertThat(loader.awaitReady(Duration.ofSeconds(60))).isTrue();
	}

	@AfterAll
	static void stopLoader() {
		loader.close();
	}

	static Object run(String body) {
		return WebGlobalsTestsSupport.run(loader, "default", body);
	}

	@Test
	void urlAndSearchParamsFollowTheWhatwgStandard() {
		Object result = run(
				"""
						const url = new URL('../b/c?x=1&y=two#frag', 'https://user:pw@EXAMPLE.com:443/a/index.html');
						url.searchParams.append('z', 'a b&c');
						const idn = new URL('https://bücher.example/');
						let invalid = null;
						try { new URL('not a url'); } catch (e) { invalid = e.name; }
						const params = new URLSearchParams({ q: 'x y', n: '1' });
						params.sort();
						return { href: url.href, host: url.host, path: url.pathname, x: url.searchParams.get('x'),
						  idn: idn.hostname, invalid, params: params.toString(), canParse: typeof URL.canParse === 'function' ? URL.canParse('https://a') : 'n/a',
						  json: JSON.stringify({ u: new URL('https://a.example') }) };""");
		assertThat(result).isEqualTo(Map.of("href", "https://user:pw@example.com/b/c?x=1&y=two&z=a+b%26c#frag", "host",
				"example.com", "path", "/b/c", "x", "1", "idn", "xn--bcher-kva.example", "invalid", "TypeError",
				"params", "n=1&q=x+y", "canParse", true, "json", "{\"u\":\"https://a.example/\"}"));
	}

	@Test
	void urlIsLoadedOnlyWhenUsed() {
		Object result = run("""
				const before = typeof Object.getOwnPropertyDescriptor(globalThis, 'URL').get;
				const streamsBefore = typeof Object.getOwnPropertyDescriptor(globalThis, 'ReadableStream').get;
				new URL('https://a.example');
				const after = typeof Object.getOwnPropertyDescriptor(globalThis, 'URL').value;
				return { before, after, streamsBefore,
				  streamsStill: typeof Object.getOwnPropertyDescriptor(globalThis, 'ReadableStream').get };""");
		assertThat(result).isEqualTo(Map.of("before", "function", "after", "function", "streamsBefore", "function",
				"streamsStill", "function"));
	}

	@Test
	void textEncoderAndDecoderSpeakUtf8() {
		Object result = run(
				"""
						const bytes = new TextEncoder().encode('h€llo 😀 \\ud800');
						const decoder = new TextDecoder();
						const split = decoder.decode(bytes.subarray(0, 2), { stream: true }) + decoder.decode(bytes.subarray(2));
						let fatal = null;
						try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])); } catch (e) { fatal = e.name; }
						let label = null;
						try { new TextDecoder('latin1'); } catch (e) { label = e.name; }
						const into = new Uint8Array(3);
						return { bytes: Array.from(bytes.subarray(0, 4)), length: bytes.length, back: new TextDecoder().decode(bytes),
						  split: split === new TextDecoder().decode(bytes), fatal, label, lossy: new TextDecoder().decode(new Uint8Array([0x61, 0xff])),
						  into: new TextEncoder().encodeInto('a€', into), bom: new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])) };""");
		assertThat(result).isEqualTo(Map.of("bytes", List.of(104, 226, 130, 172), "length", 16, "back",
				"h€llo 😀 \uFFFD", "split", true, "fatal", "TypeError", "label", "RangeError", "lossy", "a\uFFFD",
				"into", Map.of("read", 1, "written", 1), "bom", "a"));
	}

	@Test
	void cryptoDigestsHmacsAndRandomness() {
		Object result = run(
				"""
						const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
						const data = new TextEncoder().encode('abc');
						const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('key'), { name: 'HMAC', hash: 'SHA-256' },
						  false, ['sign', 'verify']);
						const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode('The quick brown fox jumps over the lazy dog'));
						const ok = await crypto.subtle.verify('HMAC', key, mac, new TextEncoder().encode('The quick brown fox jumps over the lazy dog'));
						const forged = await crypto.subtle.verify('HMAC', key, new Uint8Array(32), data);
						const values = crypto.getRandomValues(new Uint32Array(4));
						let tooMany = null;
						try { crypto.getRandomValues(new Uint8Array(70000)); } catch (e) { tooMany = e.name; }
						let unknown = null;
						try { await crypto.subtle.digest('MD5', data); } catch (e) { unknown = e.name; }
						return { sha1: hex(await crypto.subtle.digest('SHA-1', data)), sha256: hex(await crypto.subtle.digest({ name: 'SHA-256' }, data)),
						  sha384: hex(await crypto.subtle.digest('SHA-384', data)).length, sha512: hex(await crypto.subtle.digest('SHA-512', data)).length,
						  mac: hex(mac), ok, forged, random: values.some((v) => v !== 0), tooMany, unknown,
						  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()),
						  distinct: crypto.randomUUID() !== crypto.randomUUID() };""");
		assertThat(result).asInstanceOf(MAP)
			.containsEntry("sha1", "a9993e364706816aba3e25717850c26c9cd0d89d")
			.containsEntry("sha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
			.containsEntry("sha384", 96)
			.containsEntry("sha512", 128)
			.containsEntry("mac", "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
			.containsEntry("ok", true)
			.containsEntry("forged", false)
			.containsEntry("random", true)
			.containsEntry("tooMany", "QuotaExceededError")
			.containsEntry("unknown", "NotSupportedError")
			.containsEntry("uuid", true)
			.containsEntry("distinct", true);
	}

	@Test
	void cryptoWithAHugeInputEndsTyped() {
		Object result = WebGlobalsTestsSupport.run(loader, "small", """
				try { await crypto.subtle.digest('SHA-256', new Uint8Array(17 * 1024 * 1024)); return 'digested'; }
				catch (e) { return e.name + ': ' + e.message; }""");
		assertThat(result).asString().startsWith("QuotaExceededError").contains("over the limit of 16777216 bytes");
	}

	@Test
	void blobFileAndFormDataHoldBytes() {
		Object result = run(
				"""
						const blob = new Blob(['hé', new Uint8Array([33]), new Blob(['?'])], { type: 'Text/Plain' });
						const file = new File(['{"a":1}'], 'a.json', { type: 'application/json', lastModified: 5 });
						const form = new FormData();
						form.append('name', 'bob');
						form.append('file', file);
						form.set('name', 'alice');
						const multipart = new Response(form);
						const body = await multipart.text();
						return { size: blob.size, type: blob.type, text: await blob.text(), slice: await blob.slice(1, 3).text(),
						  bytes: Array.from(await blob.slice(-2).bytes()), file: [file.name, file.lastModified, file instanceof Blob],
						  name: form.get('name'), all: form.getAll('name').length, fileName: form.get('file').name,
						  multipart: multipart.headers.get('content-type').startsWith('multipart/form-data; boundary='),
						  hasFile: body.includes('filename="a.json"') && body.includes('{"a":1}') };""");
		assertThat(result).isEqualTo(Map.ofEntries(Map.entry("size", 5), Map.entry("type", "text/plain"),
				Map.entry("text", "hé!?"), Map.entry("slice", "é"), Map.entry("bytes", List.of(33, 63)),
				Map.entry("file", List.of("a.json", 5, true)), Map.entry("name", "alice"), Map.entry("all", 1),
				Map.entry("fileName", "a.json"), Map.entry("multipart", true), Map.entry("hasFile", true)));
	}

	@Test
	void requestAndResponseWorkWithoutANetwork() {
		Object result = run(
				"""
						const json = await new Response('{"a":1}').json();
						const r = Response.json({ ok: true }, { status: 201 });
						const redirect = Response.redirect('https://a.example/next', 301);
						const binary = new Response(new Uint8Array([1, 2, 3]));
						const clone = r.clone();
						const request = new Request('https://a.example/path?q=1', { method: 'post', body: JSON.stringify({ x: 1 }),
						  headers: { 'X-Test': 'y' } });
						let used = null;
						const once = new Response('x'); await once.text();
						try { await once.text(); } catch (e) { used = e.name; }
						let badStatus = null;
						try { new Response('x', { status: 204 }); } catch (e) { badStatus = e.name; }
						let relative = null;
						try { new Request('/relative'); } catch (e) { relative = e.name; }
						return { json, status: r.status, type: r.headers.get('content-type'), cloned: await clone.json(), original: await r.json(),
						  redirect: [redirect.status, redirect.headers.get('location')], nullBody: new Response(null).body === null,
						  binary: Array.from(new Uint8Array(await binary.arrayBuffer())), request: [request.method, request.url,
						  (await request.json()).x, request.headers.get('content-type')], used, badStatus, relative,
						  text: await new Response(new Blob(['blob'])).text(), streamBody: typeof new Response('s').body.getReader };""");
		assertThat(result).asInstanceOf(MAP)
			.containsEntry("json", Map.of("a", 1))
			.containsEntry("status", 201)
			.containsEntry("type", "application/json")
			.containsEntry("cloned", Map.of("ok", true))
			.containsEntry("original", Map.of("ok", true))
			.containsEntry("redirect", List.of(301, "https://a.example/next"))
			.containsEntry("nullBody", true)
			.containsEntry("binary", List.of(1, 2, 3))
			.containsEntry("request", List.of("POST", "https://a.example/path?q=1", 1, "text/plain;charset=UTF-8"))
			.containsEntry("used", "TypeError")
			.containsEntry("badStatus", "TypeError")
			.containsEntry("relative", "TypeError")
			.containsEntry("text", "blob")
			.containsEntry("streamBody", "function");
	}

	@Test
	void streamsPipeTransformAndIterate() {
		Object result = run(
				"""
						const source = new ReadableStream({ start(c) { c.enqueue('a'); c.enqueue('b'); c.enqueue('c'); c.close(); } });
						const upper = new TransformStream({ transform(chunk, c) { c.enqueue(chunk.toUpperCase()); } });
						const seen = [];
						for await (const chunk of source.pipeThrough(upper)) seen.push(chunk);
						const written = [];
						const sink = new WritableStream({ write(chunk) { written.push(chunk); } });
						const w = sink.getWriter(); await w.write('x'); await w.close();
						const encoded = new Response('héllo').body.pipeThrough(new TextDecoderStream());
						let text = ''; for await (const part of encoded) text += part;
						const bytes = new Blob(['abc']).stream().pipeThrough(new TextDecoderStream());
						let fromBlob = ''; for await (const part of bytes) fromBlob += part;
						const bodyOfStream = await new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('streamed')); c.close(); } })).text();
						const encoder = new TextEncoderStream();
						const enc = new Response(new Response('ok').body.pipeThrough(new TextDecoderStream()).pipeThrough(encoder));
						return { seen, written, text, fromBlob, bodyOfStream, roundTrip: await enc.text() };""");
		assertThat(result).isEqualTo(Map.of("seen", List.of("A", "B", "C"), "written", List.of("x"), "text", "héllo",
				"fromBlob", "abc", "bodyOfStream", "streamed", "roundTrip", "ok"));
	}

	@Test
	void compressionStreamsRoundTripGzipAndDeflate() {
		Object result = run(
				"""
						const out = {};
						for (const format of ['gzip', 'deflate', 'deflate-raw']) {
						  const input = 'hello hello hello hello '.repeat(50);
						  const compressed = await new Response(new Response(input).body.pipeThrough(new CompressionStream(format))).arrayBuffer();
						  const back = await new Response(new Response(compressed).body.pipeThrough(new DecompressionStream(format))).text();
						  out[format] = [back === input, compressed.byteLength < input.length];
						}
						const gz = new Uint8Array(await new Response(new Response('x').body.pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
						out.magic = [gz[0], gz[1]];
						let bad = null;
						try { new CompressionStream('br'); } catch (e) { bad = e.name; }
						let corrupt = null;
						try { await new Response(new Response(new Uint8Array([1, 2, 3, 4])).body.pipeThrough(new DecompressionStream('gzip'))).text(); }
						catch (e) { corrupt = e.name; }
						out.bad = bad; out.corrupt = corrupt;
						return out;""");
		assertThat(result).isEqualTo(Map.of("gzip", List.of(true, true), "deflate", List.of(true, true), "deflate-raw",
				List.of(true, true), "magic", List.of(31, 139), "bad", "TypeError", "corrupt", "TypeError"));
	}

	@Test
	void zipBombEndsAtTheMemoryQuota() {
		Object result = WebGlobalsTestsSupport.invokeOutcome(loader, "small",
				"""
						const zeros = new Uint8Array(8 * 1024 * 1024);
						let bomb = await new Response(new Response(zeros).body.pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
						const parts = [];
						for (;;) { parts.push(await new Response(new Response(bomb).body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer()); }""");
		assertThat(result).isIn("MEMORY", "CPU_TIME");
	}

	/** Keeps the worker source of each test readable. */
	static final class WebGlobalsTestsSupport {

		static Object run(GraalWorkerLoader loader, String policy, String body) {
			WorkerCode code = WorkerCode.builder()
				.policy(policy)
				.module("agent.js", "export default { async run(p, env, ctx) {\n" + body + "\n} }")
				.build();
			try (Worker worker = loader.load(code)) {
				return worker.getEntrypoint().call("run");
			}
		}

		static Object invokeOutcome(GraalWorkerLoader loader, String policy, String body) {
			try {
				return run(loader, policy, body);
			}
			catch (dev.workerloader.WorkerQuotaExceededException ex) {
				return ex.kind().name();
			}
		}

	}

}
