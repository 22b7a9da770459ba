package dev.workerloader.process;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerListener;
import dev.workerloader.WorkerLoadException;
import dev.workerloader.WorkerRateLimitedException;
import dev.workerloader.egress.OutboundHandler;
import dev.workerloader.egress.OutboundLimits;
import dev.workerloader.egress.OutboundRequest;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.RateLimit;
import dev.workerloader.policy.WorkerIsolation;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.ratelimit.ClientIdResolver;
import dev.workerloader.ratelimit.ClientRateLimiter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code fetch()} and rate limits on the process tier (issue 16): a worker host has no
 * network and holds no capability, so every fetch is relayed to the application, where
 * the policy's allowed hosts, outbound handler, internal-address guard and subrequest
 * budget decide, exactly as in-process; rate limits are taken here too. The only server
 * is on 127.0.0.1, listed explicitly by the policies that reach it.
 *
 * @author Worker Loader team
 */
class ProcessTierEgressTests {

	private static final String SECRET = "Bearer s3cr3t-token-for-the-api";

	private static final WorkerIsolation PROCESS = WorkerIsolation.process(256L * 1024 * 1024);

	private static HttpServer server;

	private static final List<String> authorizations = new CopyOnWriteArrayList<>();

	private static final Map<String, Integer> hits = new ConcurrentHashMap<>();

	private static final List<WorkerListener.HostCall> hops = new CopyOnWriteArrayList<>();

	private static final AtomicInteger handled = new AtomicInteger();

	private static ProcessWorkerLoader loader;

	@BeforeAll
	static void start() throws IOException {
		server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.setExecutor(Executors.newFixedThreadPool(4));
		server.createContext("/", ProcessTierEgressTests::handle);
		server.start();
		String local = "http://127.0.0.1:" + server.getAddress().getPort();
		WorkerLimits limits = WorkerLimits.DEFAULTS.withWallTime(Duration.ofSeconds(20))
			.withCpuTime(Duration.ofSeconds(5));
		OutboundHandler injector = (request) -> {
			handled.incrementAndGet();
			if ("DELETE".equals(request.method())) {
				throw new SecurityException("deleting is not allowed for agents");
			}
			return new OutboundRequest(request.workerId(), request.method(), request.uri(), request.headers(),
					request.body())
				.withHeader("Authorization", SECRET);
		};
		loader = ProcessWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("offline", limits).withIsolation(PROCESS),
					WorkerPolicy.of("local", limits).withOutbound(List.of(local), null).withIsolation(PROCESS),
					WorkerPolicy.of("credentials", limits)
						.withOutbound(List.of(local), "tokenInjector")
						.withIsolation(PROCESS),
					WorkerPolicy.of("tight", limits)
						.withOutbound(List.of(local), null)
						.withOutboundLimits(new OutboundLimits(3, 1000, Duration.ofSeconds(5)))
						.withIsolation(PROCESS),
					WorkerPolicy.of("metered", limits)
						.withRateLimit(new RateLimit(3, 1, Duration.ofHours(1)))
						.withIsolation(PROCESS),
					WorkerPolicy.of("broken", limits).withOutbound(List.of(), "missingHandler").withIsolation(PROCESS)))
			.outboundHandlers((name) -> "tokenInjector".equals(name) ? injector : null)
			.rateLimiter(new ClientRateLimiter(ClientIdResolver.NONE))
			.listener(new WorkerListener() {

				@Override
				public HostCallScope hostCallStarted(HostCall call) {
					hops.add(call);
					return HostCallScope.NOOP;
				}

			})
			.hostsPerPool(1)
			.build();
	}

	@AfterAll
	static void stop() {
		loader.close();
		server.stop(0);
	}

	private static void handle(HttpExchange exchange) throws IOException {
		String path = exchange.getRequestURI().getPath();
		hits.merge(path, 1, Integer::sum);
		String auth = exchange.getRequestHeaders().getFirst("Authorization");
		if (auth != null) {
			authorizations.add(auth);
		}
		String body = switch (path) {
			case "/echo" -> {
				// A careless server that reflects the credential it received.
				exchange.getResponseHeaders().add("X-Echo", String.valueOf(auth));
				yield "{\"you sent\": \"" + auth + "\"}";
			}
			case "/json" -> {
				exchange.getResponseHeaders().add("Content-Type", "application/json");
				yield "{\"answer\":42,\"method\":\"" + exchange.getRequestMethod() + "\",\"body\":\""
						+ new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) + "\"}";
			}
			case "/redirect" -> {
				exchange.getResponseHeaders().add("Location", "/json");
				exchange.sendResponseHeaders(302, -1);
				exchange.close();
				yield null;
			}
			default -> "hello " + path + " via " + exchange.getRequestHeaders().getFirst("Host");
		};
		if (body != null) {
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, bytes.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		}
	}

	private static String url(String path) {
		return "http://127.0.0.1:" + server.getAddress().getPort() + path;
	}

	private static Object run(String policy, String body, Object param) {
		try (Worker worker = loader.load(WorkerCode.builder()
			.module("agent.js",
					"export default { async run(p) { try { " + body
							+ " } catch (e) { return { error: e.name, message: e.message }; } } };")
			.policy(policy)
			.build())) {
			return worker.getEntrypoint().call("run", param);
		}
	}

	@Test
	void anAllowedHostIsFetchedByTheApplicationForTheHost() {
		Object result = run("local",
				"const r = await fetch(p.url, { method: 'POST', body: 'hi' });"
						+ " return { status: r.status, json: await r.json(), ct: r.headers.get('content-type') };",
				Map.of("url", url("/json")));
		assertThat(result).isEqualTo(Map.of("status", 200, "json", Map.of("answer", 42, "method", "POST", "body", "hi"),
				"ct", "application/json"));
		// The hop ran here, in the application's JVM: its listener saw it.
		assertThat(hops).anySatisfy((hop) -> {
			assertThat(hop.kind()).isEqualTo(WorkerListener.HostCall.FETCH);
			assertThat(hop.policy()).isEqualTo("local");
		});
	}

	@Test
	void redirectsAndConcurrentFetchesWork() {
		Object result = run("local",
				"const rs = await Promise.all([fetch(p.url + '/redirect'), fetch(p.url + '/a'), fetch(p.url + '/b')]);"
						+ " return { redirected: rs[0].redirected, texts: await Promise.all(rs.map((r) => r.text())) };",
				Map.of("url", url("")));
		assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("redirected", true);
		@SuppressWarnings("unchecked")
		List<String> texts = (List<String>) ((Map<String, Object>) result).get("texts");
		assertThat(texts.get(0)).contains("\"answer\":42");
		assertThat(texts.get(1)).startsWith("hello /a via 127.0.0.1:");
		assertThat(texts.get(2)).startsWith("hello /b via 127.0.0.1:");
	}

	@Test
	void aHostThePolicyDoesNotListIsRefusedNamingTheKey() {
		Object result = run("local", "await fetch(p.url); return 'reached';",
				Map.of("url", "http://localhost:" + server.getAddress().getPort() + "/other"));
		assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("error", "TypeError");
		assertThat(message(result)).contains("does not allow host 'localhost:")
			.contains("worker-loader.policies.local.outbound.allowed-hosts");
		assertThat(hits).doesNotContainKey("/other");
	}

	@Test
	void aPolicyWithoutOutboundHasNoNetwork() {
		Object result = run("offline", "await fetch(p.url); return 'reached';", Map.of("url", url("/offline")));
		assertThat(message(result)).contains("has no network access", "env bindings",
				"worker-loader.policies.offline.outbound.allowed-hosts");
		assertThat(hits).doesNotContainKey("/offline");
	}

	@Test
	void internalAddressesAreRefusedBeforeAnyConnection() {
		// The metadata address is refused by the guard, in the application, without a
		// connection attempt; the policy allows only 127.0.0.1:<port>.
		Object result = run("local", "await fetch('http://169.254.169.254/latest/meta-data/'); return 'reached';",
				Map.of());
		assertThat(message(result)).contains("was refused");
	}

	@Test
	void theOutboundHandlerRunsInTheApplicationAndItsCredentialNeverReachesTheGuest() {
		int before = handled.get();
		Object result = run("credentials",
				"const r = await fetch(p.url); return { text: await r.text(), echo: r.headers.get('x-echo') };",
				Map.of("url", url("/echo")));
		assertThat(handled.get()).isEqualTo(before + 1);
		assertThat(authorizations).contains(SECRET);
		assertThat(result.toString()).doesNotContain("s3cr3t-token-for-the-api");
		Object refused = run("credentials", "await fetch(p.url, { method: 'DELETE' }); return 'deleted';",
				Map.of("url", url("/delete")));
		assertThat(message(refused)).contains("the outbound handler of policy 'credentials' refused it",
				"deleting is not allowed for agents");
		assertThat(hits).doesNotContainKey("/delete");
	}

	@Test
	void theSubrequestBudgetHoldsPerInvocation() {
		String body = "const out = []; for (let i = 0; i < 4; i++) { try { await fetch(p.url + '/n' + i);"
				+ " out.push('ok'); } catch (e) { out.push(e.message); } } return out;";
		try (Worker worker = loader.load(WorkerCode.builder()
			.module("agent.js", "export default { async run(p) { " + body + " } };")
			.policy("tight")
			.build())) {
			for (int call = 0; call < 2; call++) {
				@SuppressWarnings("unchecked")
				List<String> out = (List<String>) worker.getEntrypoint().call("run", Map.of("url", url("")));
				assertThat(out).hasSize(4);
				assertThat(out.subList(0, 3)).containsOnly("ok");
				assertThat(out.get(3)).contains("already made 3 subrequests in this invocation",
						"worker-loader.policies.tight.outbound.max-requests");
			}
		}
	}

	@Test
	void aMissingOutboundHandlerFailsTheLoadNamingTheBean() {
		assertThatExceptionOfType(WorkerLoadException.class)
			.isThrownBy(() -> loader
				.load(WorkerCode.builder().module("agent.js", "export default {};").policy("broken").build()))
			.withMessageContaining("outbound handler 'missingHandler' is not available")
			.withMessageContaining("worker-loader.policies.broken.outbound.handler");
	}

	@Test
	void theGlobalOutboundHandlerOfTheCodeRunsInTheApplication() {
		List<URI> seen = new CopyOnWriteArrayList<>();
		try (Worker worker = loader.load(WorkerCode.builder()
			.module("agent.js", "export default { async run(p) { return (await fetch(p.url)).status; } };")
			.policy("local")
			.globalOutbound((request) -> {
				seen.add(request.uri());
				return request;
			})
			.build())) {
			assertThat(worker.getEntrypoint().call("run", Map.of("url", url("/global")))).isEqualTo(200);
		}
		assertThat(seen).extracting(URI::getPath).containsExactly("/global");
	}

	@Test
	void rateLimitsAreTakenInTheApplicationForLoadsAndCalls() {
		// Capacity 3, one more per hour: a load and two calls use it up.
		try (Worker worker = loader.load(WorkerCode.builder()
			.module("agent.js", "export default { run() { return 1; } };")
			.policy("metered")
			.clientId("carol")
			.build())) {
			assertThat(worker.getEntrypoint().call("run")).isEqualTo(1);
			assertThat(worker.getEntrypoint().call("run")).isEqualTo(1);
			assertThatExceptionOfType(WorkerRateLimitedException.class)
				.isThrownBy(() -> worker.getEntrypoint().call("run"))
				.withMessageContaining("client 'carol' used up its rate limit of policy 'metered'")
				.withMessageContaining("worker-loader.policies.metered.rate-limit");
		}
		// Another client has its own bucket.
		try (Worker worker = loader.load(WorkerCode.builder()
			.module("agent.js", "export default { run() { return 2; } };")
			.policy("metered")
			.clientId("dave")
			.build())) {
			assertThat(worker.getEntrypoint().call("run")).isEqualTo(2);
		}
	}

	private static String message(Object result) {
		assertThat(result).isInstanceOf(Map.class);
		return String.valueOf(((Map<?, ?>) result).get("message"));
	}

}
