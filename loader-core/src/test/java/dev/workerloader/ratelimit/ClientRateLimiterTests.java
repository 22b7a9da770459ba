package dev.workerloader.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.workerloader.WorkerRateLimitUnavailableException;
import dev.workerloader.WorkerRateLimitedException;
import dev.workerloader.policy.RateLimit;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link ClientRateLimiter} over its {@link RateLimitStore}: the in-memory default, the
 * store's answers, and a store that fails (fail closed, counted).
 */
class ClientRateLimiterTests {

	private static final WorkerPolicy METERED = WorkerPolicy.of("metered", WorkerLimits.DEFAULTS)
		.withRateLimit(new RateLimit(2, 1, Duration.ofHours(1)));

	private static final WorkerPolicy OPEN = WorkerPolicy.of("default", WorkerLimits.DEFAULTS);

	@Test
	void inMemoryStoreIsTheDefaultAndRefusesPastTheCapacity() {
		ClientRateLimiter limiter = new ClientRateLimiter(ClientIdResolver.NONE);
		assertThat(limiter.store()).isInstanceOf(InMemoryRateLimitStore.class);
		assertThat(limiter.store().name()).isEqualTo("memory");
		limiter.acquire("w", METERED, "alice", "call");
		limiter.acquire("w", METERED, "alice", "call");
		assertThatExceptionOfType(WorkerRateLimitedException.class)
			.isThrownBy(() -> limiter.acquire("w", METERED, "alice", "call"))
			.satisfies((ex) -> assertThat(ex.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofHours(1)));
		// Another client has a bucket of its own.
		limiter.acquire("w", METERED, "bob", "call");
		assertThat(limiter.refusals()).isOne();
		assertThat(limiter.storeRequests()).isEqualTo(4);
		assertThat(limiter.storeFailures()).isZero();
	}

	@Test
	void storeDecidesWithThePolicyClientAndLimit() {
		AtomicInteger asked = new AtomicInteger();
		RateLimitStore store = (policy, client, limit) -> {
			asked.incrementAndGet();
			assertThat(policy).isEqualTo("metered");
			assertThat(client).isEqualTo(ClientRateLimiter.ANONYMOUS);
			assertThat(limit).isEqualTo(METERED.rateLimit());
			return RateLimitStore.Consumption.refused(Duration.ofSeconds(3).toNanos());
		};
		ClientRateLimiter limiter = new ClientRateLimiter(ClientIdResolver.NONE, store);
		assertThatExceptionOfType(WorkerRateLimitedException.class)
			.isThrownBy(() -> limiter.acquire("w", METERED, null, "load"))
			.satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(3)))
			.withMessageContaining("client 'anonymous' used up its rate limit of policy 'metered'");
		limiter.acquire("w", OPEN, null, "load");
		assertThat(asked).hasValue(1);
	}

	@Test
	void failingStoreRefusesWithATypedErrorAndIsCounted() {
		ClientRateLimiter limiter = new ClientRateLimiter(ClientIdResolver.NONE, new RateLimitStore() {

			@Override
			public Consumption tryConsume(String policy, String client, RateLimit limit) {
				throw new IllegalStateException("jdbc:postgresql://db.internal/app password=hunter2");
			}

			@Override
			public String name() {
				return "jdbc";
			}

		});
		assertThatExceptionOfType(WorkerRateLimitUnavailableException.class)
			.isThrownBy(() -> limiter.acquire("invoice-render", METERED, "alice", "call"))
			.satisfies((ex) -> {
				assertThat(ex.getStore()).isEqualTo("jdbc");
				assertThat(ex.getName()).isEqualTo("RateLimitUnavailable");
				assertThat(ex.retryAfter()).isEqualTo(ClientRateLimiter.RETRY_AFTER_STORE_FAILURE);
			})
			.withMessageContaining("The call of worker 'invoice-render' was refused")
			.withMessageContaining("rate-limit store 'jdbc' failed (IllegalStateException)")
			.withMessageNotContaining("db.internal")
			.withMessageNotContaining("hunter2");
		assertThat(limiter.storeFailures()).isOne();
		assertThat(limiter.refusalsByPolicy()).containsEntry("metered", 1L);
	}

	@Test
	void consumptionRejectsANegativeWait() {
		assertThat(RateLimitStore.Consumption.refused(-5).retryAfter()).isZero();
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new RateLimitStore.Consumption(false, Duration.ofSeconds(-1)))
			.withMessageContaining("'retryAfter' must not be negative");
	}

}
