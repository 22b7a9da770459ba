package dev.workerloader.sandbox;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.workerloader.Invocation;
import dev.workerloader.LogEntry;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.egress.EgressGuard;
import dev.workerloader.egress.OutboundHandler;
import dev.workerloader.egress.OutboundLimits;
import dev.workerloader.egress.OutboundRequest;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The egress matrix of issue 6 with real GraalJS sandboxes against a local HTTP server on
 * 127.0.0.1. Loopback is refused by default, so policies that reach the server list
 * {@code http://127.0.0.1:<port>} explicitly. Refused addresses (metadata, private) are
 * never connected to: they are refused before any connection.
 */
class EgressTests {

	private static final String SECRET = "Bearer s3cr3t-token-never-in-guest";

	private static EgressTestServer server;

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void start() throws Exception {
		server = new EgressTestServer();
		String local = "http://127.0.0.1:" + server.port();
		WorkerLimits limits = WorkerLimits.DEFAULTS.withWallTime(Duration.ofSeconds(20));
		PolicyResolver policies = PolicyResolver.of(WorkerPolicy.of("default", limits),
				WorkerPolicy.of("local", limits).withOutbound(List.of(local), null),
				WorkerPolicy.of("anywhere", limits).withOutbound(List.of("*:*"), null),
				WorkerPolicy.of("public", limits).withOutbound(List.of("api.example.com", "*.example.org"), null),
				WorkerPolicy.of("tight", limits)
					.withOutbound(List.of(local), null)
					.withOutboundLimits(new OutboundLimits(3, 1000, Duration.ofMillis(500))),
				WorkerPolicy.of("credentials", limits).withOutbound(List.of(local), "tokenInjector"),
				WorkerPolicy.of("handlerOnly", limits).withOutbound(List.of(), "tokenInjector"));
		OutboundHandler injector = (request) -> {
			if ("DELETE".equals(request.method())) {
				throw new SecurityException("deleting is not allowed for agents");
			}
			URI uri = request.uri();
			if (uri.getPath().equals("/public")) {
				uri = uri.resolve("/private");
			}
			return new OutboundRequest(request.workerId(), request.method(), uri, request.headers(), request.body())
				.withHeader("Authorization", SECRET);
		};
		loader = GraalWorkerLoader.builder()
			.policies(policies)
			.outboundHandlers((name) -> "tokenInjector".equals(name) ? injector : null)
			.build();
	}

	@AfterAll
	static void stop() {
		loader.close();
		server.close();
	}

	/** Runs {@code fetch(url, init)} in a worker and returns a summary or the error. */
	private static Object fetch(String policy, String url, String init) {
		return fetchWith(WorkerCode.builder().policy(policy), url, init).value();
	}

	private static Invocation fetchWith(WorkerCode.Builder builder, String url, String init) {
		String source = """
				export default {
				  async run(p) {
				    try {
				      const response = await fetch(p.url, %s);
				      const text = await response.text();
				      return { status: response.status, ok: response.ok, text,
				        redirected: response.redirected, test: response.headers.get('x-test') };
				    } catch (e) {
				      return { error: e.name, message: e.message };
				    }
				  }
				}
				""".formatted(init);
		try (Worker worker = loader.load(builder.module("agent.js", source).build())) {
			return worker.getEntrypoint().invoke("run", Map.of("url", url));
		}
	}

	@Test
	void withoutOutboundEveryFetchRejectsWithTypeErrorPointingToBindings() {
		Object result = fetch("default", "https://api.example.com/data", "{}");
		assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("error", "TypeError");
		assertThat(message(result)).contains("has no network access", "env bindings",
				"worker-loader.policies.default.outbound.allowed-hosts");
		assertThat(server.hits).doesNotContainKey("/data");
	}

	@Test
	void binaryResponseBodiesArriveByteForByte() {
		String source = """
				export default {
				  async run(p) {
				    const response = await fetch(p.url);
				    const bytes = new Uint8Array(await response.arrayBuffer());
				    let sum = 0;
				    for (const b of bytes) sum += b;
				    return { length: bytes.length, first: bytes[0], high: bytes[200], last: bytes[255], sum,
				      type: response.headers.get('content-type') };
				  }
				}
				""";
		try (Worker worker = loader.load(WorkerCode.builder().policy("local").module("agent.js", source).build())) {
			assertThat(worker.getEntrypoint().call("run", Map.of("url", server.url("/bytes"))))
				.isEqualTo(Map.of("length", 256, "first", 0, "high", 200, "last", 255, "sum", 255 * 128, "type",
						"application/octet-stream"));
		}
	}

	@Test
	void textTypesAreDecodedAndEverythingElseCrossesAsBytes() {
		assertThat(Egress.isText("text/html; charset=utf-8")).isTrue();
		assertThat(Egress.isText("application/json")).isTrue();
		assertThat(Egress.isText("application/problem+json")).isTrue();
		assertThat(Egress.isText("")).isTrue();
		assertThat(Egress.isText("application/octet-stream")).isFalse();
		assertThat(Egress.isText("image/png")).isFalse();
		assertThat(Egress.isText("application/gzip")).isFalse();
	}

	@Test
	void allowedHostIsFetchedWithStatusHeadersAndBody() {
		Object result = fetch("local", server.url("/hello"), "{}");
		assertThat(result).isEqualTo(Map.of("status", 200, "ok", true, "text", "hello from 127.0.0.1:" + server.port(),
				"redirected", false, "test", "yes"));
	}

	@Test
	void jsonPostAndNonOkStatusesReachTheGuest() {
		String source = """
				export default {
				  async run(p) {
				    const r = await fetch(new Request(p.base + '/json', { method: 'POST', body: 'hi',
				      headers: { 'Content-Type': 'text/plain' } }));
				    const missing = await fetch(p.base + '/missing');
				    return { json: await r.json(), missing: missing.status, ok: missing.ok };
				  }
				}
				""";
		try (Worker worker = loader.load(WorkerCode.builder().policy("local").module("agent.js", source).build())) {
			Object result = worker.getEntrypoint().call("run", Map.of("base", "http://127.0.0.1:" + server.port()));
			assertThat(result).isEqualTo(
					Map.of("json", Map.of("answer", 42, "method", "POST", "body", "hi"), "missing", 404, "ok", false));
		}
	}

	@Test
	void hostNotInAllowedHostsIsRefusedByName() {
		Object result = fetch("public", "https://evil.example.net/exfiltrate", "{}");
		assertThat(message(result)).contains("does not allow host 'evil.example.net:443'",
				"worker-loader.policies.public.outbound.allowed-hosts");
	}

	@Test
	void otherPortOfAnAllowedHostIsRefused() {
		Object result = fetch("local", "http://127.0.0.1:" + (server.port() == 65535 ? 1 : server.port() + 1) + "/",
				"{}");
		assertThat(message(result)).contains("does not allow host '127.0.0.1:");
	}

	@Test
	void redirectToABlockedHostIsRefusedAtThatHop() {
		Object result = fetch("local", server.url("/redirect-blocked"), "{}");
		assertThat(message(result)).contains("fetch('http://blocked.example.test/steal') was refused",
				"does not allow host 'blocked.example.test:80'");
	}

	@Test
	void redirectWithinAllowedHostsIsFollowed() {
		Object result = fetch("local", server.url("/redirect-ok"), "{}");
		assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("status", 200)
			.containsEntry("redirected", true);
	}

	@Test
	void manualRedirectModeReturnsTheRedirect() {
		Object result = fetch("local", server.url("/redirect-ok"), "{ redirect: 'manual' }");
		assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("status", 302);
	}

	@ParameterizedTest(name = "{0} is refused")
	@CsvSource(delimiter = '|', textBlock = """
			http://169.254.169.254/latest/meta-data/    | a cloud metadata address
			http://[fd00:ec2::254]/latest/meta-data/    | a cloud metadata address
			http://metadata.google.internal/computeMetadata/v1/ | is a cloud metadata service
			http://127.0.0.1:9/                         | a loopback address
			http://localhost:9/                         | a loopback address
			http://[::1]:9/                             | a loopback address
			http://[::ffff:127.0.0.1]:9/                | a loopback address
			http://10.1.2.3/                            | a private address
			http://192.168.0.1/                         | a private address
			http://172.16.5.5/                          | a private address
			http://169.254.1.1/                         | a link-local address
			http://[fe80::1]/                           | a link-local address
			http://[fd12:3456::1]/                      | a private (unique-local) address
			http://100.100.100.200/                     | a cloud metadata address
			http://0.0.0.0:9/                           | an unspecified address
			""")
	void internalAddressesAreRefusedEvenWhenEveryHostIsAllowed(String url, String reason) {
		Object result = fetch("anywhere", url, "{}");
		assertThat(message(result)).contains("was refused", reason);
	}

	@Test
	void loopbackIsRefusedByDefaultAndReachableOnlyWhenListed() {
		assertThat(message(fetch("anywhere", server.url("/hello"), "{}"))).contains("resolves to 127.0.0.1",
				"a loopback address", "If intended, list '127.0.0.1'");
		assertThat(fetch("local", server.url("/hello"), "{}"))
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("status", 200);
	}

	@Test
	void redirectToTheMetadataAddressIsRefused() {
		Object result = fetch("tight", server.url("/redirect-metadata"), "{}");
		assertThat(message(result)).contains("fetch('http://169.254.169.254/latest/meta-data/') was refused");
	}

	@Test
	void subrequestLimitCountsRedirectHops() {
		Object result = fetch("tight", server.url("/redirect-loop"), "{}");
		assertThat(message(result)).contains("already made 3 subrequests in this invocation",
				"worker-loader.policies.tight.outbound.max-requests");
	}

	@Test
	void subrequestLimitAppliesPerInvocation() {
		String source = """
				export default {
				  async run(p) {
				    const out = [];
				    for (let i = 0; i < 4; i++) {
				      try { out.push((await fetch(p.url)).status); } catch (e) { out.push(e.message.includes('subrequests') ? 'limit' : e.message); }
				    }
				    return out;
				  }
				}
				""";
		try (Worker worker = loader.load(WorkerCode.builder().policy("tight").module("agent.js", source).build())) {
			Map<String, String> param = Map.of("url", server.url("/hello"));
			assertThat(worker.getEntrypoint().call("run", param)).isEqualTo(List.of(200, 200, 200, "limit"));
			assertThat(worker.getEntrypoint().call("run", param)).isEqualTo(List.of(200, 200, 200, "limit"));
		}
	}

	@Test
	void responseLargerThanTheLimitIsRefused() {
		assertThat(message(fetch("tight", server.url("/big"), "{}"))).contains("larger than 1000 bytes",
				"worker-loader.policies.tight.outbound.max-response-size");
	}

	@Test
	void streamedResponseLargerThanTheLimitIsCutOff() {
		assertThat(message(fetch("tight", server.url("/big-chunked"), "{}"))).contains("larger than 1000 bytes");
	}

	@Test
	void slowResponseTimesOut() {
		assertThat(message(fetch("tight", server.url("/slow"), "{}"))).contains("timed out after 500 ms",
				"worker-loader.policies.tight.outbound.timeout");
	}

	@Test
	void credentialEchoedByTheServerIsRedactedBeforeTheGuestSeesIt() {
		String source = """
				export default {
				  async run(p) {
				    const response = await fetch(p.base + '/echo');
				    return { echo: response.headers.get('x-echo'), body: await response.text() };
				  }
				}
				""";
		Object result;
		try (Worker worker = loader
			.load(WorkerCode.builder().policy("credentials").module("agent.js", source).build())) {
			result = worker.getEntrypoint().call("run", Map.of("base", "http://127.0.0.1:" + server.port()));
		}
		assertThat(server.authorizations).contains(SECRET);
		assertThat(result.toString()).doesNotContain("s3cr3t").contains("[redacted]");
	}

	@Test
	void handlerInjectsCredentialTheGuestNeverSees() {
		server.authorizations.clear();
		String source = """
				export default {
				  async run(p) {
				    const request = new Request(p.base + '/public');
				    console.log('request headers', JSON.stringify([...request.headers]));
				    const response = await fetch(request);
				    console.log('response headers', JSON.stringify([...response.headers]));
				    let refused;
				    try { await fetch(p.base + '/private', { method: 'DELETE' }); } catch (e) { refused = e.message; }
				    let blocked;
				    try { await fetch('https://blocked.example.test/'); } catch (e) { blocked = e.message; }
				    return { status: response.status, text: await response.text(), url: response.url, refused, blocked };
				  }
				}
				""";
		Invocation invocation;
		try (Worker worker = loader
			.load(WorkerCode.builder().policy("credentials").module("agent.js", source).build())) {
			invocation = worker.getEntrypoint().invoke("run", Map.of("base", "http://127.0.0.1:" + server.port()));
		}
		assertThat(server.authorizations).containsExactly(SECRET);
		@SuppressWarnings("unchecked")
		Map<String, Object> result = (Map<String, Object>) invocation.value();
		assertThat(result).containsEntry("status", 200).containsEntry("text", "authorized");
		// The guest sees the URL it asked for, not the one the handler rewrote.
		assertThat(result.get("url")).asString().endsWith("/public");
		assertThat(result.get("refused")).asString().contains("deleting is not allowed for agents");
		assertThat(result.get("blocked")).asString().contains("does not allow host 'blocked.example.test:443'");
		assertThat(result.toString()).doesNotContain("s3cr3t");
		assertThat(invocation.logs()).extracting(LogEntry::message).isNotEmpty().noneMatch((m) -> m.contains("s3cr3t"));
	}

	@Test
	void globalOutboundOfTheCodeEnablesFetchAndSeesEveryRequest() {
		List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
		OutboundHandler handler = (request) -> {
			seen.add(request.method() + " " + request.uri());
			return request;
		};
		// The default policy lists no host: the handler alone decides, and loopback stays
		// refused.
		Invocation invocation = fetchWith(WorkerCode.builder().globalOutbound(handler), server.url("/hello"), "{}");
		assertThat(seen).containsExactly("GET " + server.url("/hello"));
		assertThat(message(invocation.value())).contains("a loopback address");
	}

	@Test
	void handlerFailureReachesTheGuestWithoutItsMessage() {
		OutboundHandler broken = (request) -> {
			throw new IllegalStateException("db password is hunter2");
		};
		Invocation invocation = fetchWith(WorkerCode.builder().policy("local").globalOutbound(broken),
				server.url("/hello"), "{}");
		assertThat(message(invocation.value())).contains("failed on the host (reference").doesNotContain("hunter2");
	}

	@Test
	void onlyHttpAndHttpsAreSupported() {
		assertThat(message(fetch("anywhere", "file:///etc/passwd", "{}"))).contains("supports only http and https");
	}

	@Test
	void fetchErrorThatIsNotCaughtFailsTheCallAsTypeError() {
		String source = "export default { async run() { await fetch('https://api.example.com/'); } }";
		try (Worker worker = loader.load(WorkerCode.of(source))) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("run", null))
				.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("TypeError"))
				.withMessageContaining("has no network access");
		}
	}

	@Test
	void wildcardPatternMatchesSubdomainsOnly() {
		EgressGuard guard = EgressGuard.of(List.of("*.example.org", "https://api.example.com", "http://10.0.0.5:8080"));
		assertThat(guard.allowsUrl(URI.create("https://a.example.org/x"))).isTrue();
		assertThat(guard.allowsUrl(URI.create("http://a.b.example.org/x"))).isTrue();
		assertThat(guard.allowsUrl(URI.create("https://example.org/x"))).isFalse();
		assertThat(guard.allowsUrl(URI.create("https://badexample.org/x"))).isFalse();
		assertThat(guard.allowsUrl(URI.create("https://api.example.com/"))).isTrue();
		assertThat(guard.allowsUrl(URI.create("http://api.example.com/"))).isFalse();
		assertThat(guard.allowsUrl(URI.create("https://api.example.com:8443/"))).isFalse();
		assertThat(guard.allowsUrl(URI.create("http://10.0.0.5:8080/"))).isTrue();
		assertThat(EgressGuard.validate("http://bad host")).contains("is not a host pattern");
	}

	@Test
	void listedPrivateAddressIsExemptOthersAreNot() throws Exception {
		EgressGuard guard = EgressGuard.of(List.of("http://10.0.0.5:8080"));
		assertThat(guard.refuseAddress(java.net.InetAddress.getByName("10.0.0.5"))).isNull();
		assertThat(guard.refuseAddress(java.net.InetAddress.getByName("10.0.0.6"))).isEqualTo("a private address");
		assertThat(guard.refuseAddress(java.net.InetAddress.getByName("93.184.215.14"))).isNull();
	}

	@Test
	void requestBodyOverTheOutputLimitIsRefusedBeforeItIsRead() {
		Object result = fetch("local", server.url("/hello"), "{ method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) }");
		assertThat(message(result)).contains("over the output limit of " + WorkerLimits.DEFAULTS.output(),
				"policy 'local'", "worker-loader.policies.local.limits.output");
	}

	private static String message(Object result) {
		assertThat(result).isInstanceOf(Map.class);
		Object message = ((Map<?, ?>) result).get("message");
		assertThat(message).as("the fetch should have failed, but returned %s", result).isNotNull();
		return (String) message;
	}

}
