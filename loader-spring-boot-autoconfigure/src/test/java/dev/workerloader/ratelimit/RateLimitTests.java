package dev.workerloader.ratelimit;

import java.time.Duration;

import dev.workerloader.Entrypoint;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerRateLimitedException;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.RateLimit;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.sandbox.GraalWorkerLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Per-client rate limits on loads and calls, with real sandboxes.
 */
class RateLimitTests {

	private static final String AGENT = "export default { hi() { return 'hi'; } }";

	private static GraalWorkerLoader loader;

	private static ClientRateLimiter limiter;

	@BeforeAll
	static void start() {
		limiter = new ClientRateLimiter(() -> {
			var authentication = SecurityContextHolder.getContext().getAuthentication();
			return (authentication != null) ? authentication.getName() : null;
		});
		loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("default", WorkerLimits.DEFAULTS),
					WorkerPolicy.of("metered", WorkerLimits.DEFAULTS)
						.withRateLimit(new RateLimit(3, 1, Duration.ofHours(1))),
					WorkerPolicy.of("refilling", WorkerLimits.DEFAULTS)
						.withRateLimit(new RateLimit(1, 1, Duration.ofSeconds(1)))))
			.rateLimiter(limiter)
			.build();
	}

	@AfterAll
	static void stop() {
		loader.close();
	}

	private static WorkerCode code(String policy, String client) {
		return WorkerCode.builder().policy(policy).clientId(client).module("agent.js", AGENT).build();
	}

	@Test
	void burstBeyondCapacityIsRefusedWithRetryAfter() {
		long before = limiter.refusals();
		try (Worker worker = loader.load(code("metered", "burst-client"))) {
			Entrypoint entrypoint = worker.getEntrypoint();
			assertThat(entrypoint.call("hi", null)).isEqualTo("hi");
			assertThat(entrypoint.call("hi", null)).isEqualTo("hi");
			assertThatExceptionOfType(WorkerRateLimitedException.class).isThrownBy(() -> entrypoint.call("hi", null))
				.satisfies((ex) -> {
					assertThat(ex.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofHours(1));
					assertThat(ex.getPolicy()).isEqualTo("metered");
				})
				.withMessageContaining("The call of worker")
				.withMessageContaining("client 'burst-client' used up its rate limit of policy 'metered'")
				.withMessageContaining("worker-loader.policies.metered.rate-limit");
		}
		assertThatExceptionOfType(WorkerRateLimitedException.class)
			.isThrownBy(() -> loader.load(code("metered", "burst-client")))
			.withMessageContaining("The load of worker");
		assertThat(limiter.refusals()).isEqualTo(before + 2);
		assertThat(limiter.refusalsByPolicy()).containsKey("metered");
	}

	@Test
	void clientsHaveSeparateBuckets() {
		for (int i = 0; i < 3; i++) {
			loader.load(code("metered", "client-a")).close();
		}
		assertThatExceptionOfType(WorkerRateLimitedException.class)
			.isThrownBy(() -> loader.load(code("metered", "client-a")));
		loader.load(code("metered", "client-b")).close();
	}

	@Test
	void policiesWithoutRateLimitAreNotLimited() {
		for (int i = 0; i < 10; i++) {
			loader.load(code("default", "busy")).close();
		}
	}

	@Test
	void bucketRefillsOverTime() {
		WorkerPolicy refilling = loader.policies()
			.stream()
			.filter((p) -> p.name().equals("refilling"))
			.findFirst()
			.get();
		// Two tokens taken back to back: the second is refused (a refill takes a second).
		limiter.acquire("probe", refilling, "patient", "load");
		assertThatExceptionOfType(WorkerRateLimitedException.class)
			.isThrownBy(() -> limiter.acquire("probe", refilling, "patient", "load"))
			.satisfies((ex) -> assertThat(ex.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1)));
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(100))
			.ignoreException(WorkerRateLimitedException.class)
			.untilAsserted(() -> loader.load(code("refilling", "patient")).close());
	}

	@Test
	void authenticatedPrincipalIsTheClientWhenTheCodeNamesNone() {
		WorkerCode anonymous = WorkerCode.builder().policy("metered").module("agent.js", AGENT).build();
		try {
			SecurityContextHolder.getContext()
				.setAuthentication(
						UsernamePasswordAuthenticationToken.authenticated("mallory", "n/a", java.util.List.of()));
			for (int i = 0; i < 3; i++) {
				loader.load(anonymous).close();
			}
			assertThatExceptionOfType(WorkerRateLimitedException.class).isThrownBy(() -> loader.load(anonymous))
				.withMessageContaining("client 'mallory'");
			SecurityContextHolder.getContext()
				.setAuthentication(
						UsernamePasswordAuthenticationToken.authenticated("trent", "n/a", java.util.List.of()));
			loader.load(anonymous).close();
		}
		finally {
			SecurityContextHolder.clearContext();
		}
		assertThat(limiter.clientOf(null)).isEqualTo(ClientRateLimiter.ANONYMOUS);
		assertThat(limiter.clientOf("given")).isEqualTo("given");
	}

}
