package dev.workerloader.ratelimit.jdbc;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;

import javax.sql.DataSource;

import dev.workerloader.policy.RateLimit;
import dev.workerloader.ratelimit.RateLimitStore.Consumption;
import io.github.bucket4j.TimeMeter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The contract of {@link JdbcRateLimitStore} on one database (PostgreSQL: H2 lacks the
 * {@code INSERT ... ON CONFLICT (id)} Bucket4j's PostgreSQL proxy manager uses): tokens
 * up to the capacity, refill with time, one bucket shared by stores of different
 * instances (also under concurrent requests), separate buckets per policy, client and
 * limit, and the cleanup of buckets that are full again. Time is a test clock, never the
 * wall clock.
 */
abstract class AbstractJdbcRateLimitStoreTests {

	private final AtomicLong now = new AtomicLong(TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()));

	private final TimeMeter clock = new TimeMeter() {

		@Override
		public long currentTimeNanos() {
			return AbstractJdbcRateLimitStoreTests.this.now.get();
		}

		@Override
		public boolean isWallClockBased() {
			return true;
		}

	};

	protected abstract DataSource dataSource();

	protected abstract String platform();

	private JdbcRateLimitStore newStore() {
		return new JdbcRateLimitStore(dataSource(), Duration.ofSeconds(10), this.clock,
				JdbcRateLimitStore.KEEP_AFTER_REFILL);
	}

	@BeforeEach
	void emptyTable() {
		ResourceDatabasePopulator populator = new ResourceDatabasePopulator(
				new ClassPathResource("dev/workerloader/ratelimit/jdbc/schema-" + platform() + ".sql"));
		// Twice: a second instance starting against the same database.
		populator.execute(dataSource());
		populator.execute(dataSource());
		JdbcClient.create(dataSource()).sql("DELETE FROM worker_rate_limit").update();
	}

	private long rows() {
		return JdbcClient.create(dataSource()).sql("SELECT COUNT(*) FROM worker_rate_limit").query(Long.class).single();
	}

	@Test
	void takesTokensUpToTheCapacityThenRefusesWithTheTimeToTheNextToken() {
		JdbcRateLimitStore store = newStore();
		RateLimit limit = new RateLimit(3, 1, Duration.ofHours(1));
		for (int i = 0; i < 3; i++) {
			assertThat(store.tryConsume("metered", "alice", limit)).isEqualTo(Consumption.CONSUMED);
		}
		Consumption refused = store.tryConsume("metered", "alice", limit);
		assertThat(refused.consumed()).isFalse();
		assertThat(refused.retryAfter()).isEqualTo(Duration.ofHours(1));
		assertThat(rows()).isOne();
	}

	@Test
	void refillsAsTheClockAdvances() {
		JdbcRateLimitStore store = newStore();
		RateLimit limit = new RateLimit(1, 1, Duration.ofMinutes(1));
		assertThat(store.tryConsume("metered", "alice", limit).consumed()).isTrue();
		assertThat(store.tryConsume("metered", "alice", limit).consumed()).isFalse();
		this.now.addAndGet(Duration.ofSeconds(30).toNanos());
		assertThat(store.tryConsume("metered", "alice", limit).retryAfter()).isEqualTo(Duration.ofSeconds(30));
		this.now.addAndGet(Duration.ofSeconds(30).toNanos());
		assertThat(store.tryConsume("metered", "alice", limit).consumed()).isTrue();
	}

	@Test
	void storesOfTwoInstancesShareOneBucket() {
		JdbcRateLimitStore first = newStore();
		JdbcRateLimitStore second = newStore();
		RateLimit limit = new RateLimit(5, 1, Duration.ofHours(1));
		int allowed = 0;
		for (int i = 0; i < 10; i++) {
			JdbcRateLimitStore store = (i % 2 == 0) ? first : second;
			if (store.tryConsume("metered", "alice", limit).consumed()) {
				allowed++;
			}
		}
		assertThat(allowed).isEqualTo(5);
	}

	@Test
	void concurrentRequestsFromTwoInstancesNeverExceedTheCapacity() throws Exception {
		List<JdbcRateLimitStore> stores = List.of(newStore(), newStore());
		RateLimit limit = new RateLimit(25, 1, Duration.ofHours(1));
		AtomicInteger allowed = new AtomicInteger();
		int threads = 8;
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				JdbcRateLimitStore store = stores.get(t % 2);
				futures.add(executor.submit(() -> {
					start.await();
					for (int i = 0; i < 10; i++) {
						if (store.tryConsume("metered", "alice", limit).consumed()) {
							allowed.incrementAndGet();
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(2, TimeUnit.MINUTES);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(allowed).hasValue(25);
	}

	@Test
	void bucketsArePerPolicyClientAndLimit() {
		JdbcRateLimitStore store = newStore();
		RateLimit one = new RateLimit(1, 1, Duration.ofHours(1));
		assertThat(store.tryConsume("metered", "alice", one).consumed()).isTrue();
		assertThat(store.tryConsume("metered", "alice", one).consumed()).isFalse();
		assertThat(store.tryConsume("metered", "bob", one).consumed()).isTrue();
		assertThat(store.tryConsume("reports", "alice", one).consumed()).isTrue();
		// A changed rate limit (a new deployment) starts a bucket of the new shape.
		assertThat(store.tryConsume("metered", "alice", new RateLimit(2, 1, Duration.ofHours(1))).consumed()).isTrue();
		assertThat(rows()).isEqualTo(4);
	}

	@Test
	void rowsNameNoClient() {
		JdbcRateLimitStore store = newStore();
		store.tryConsume("metered", "alice@example.com", new RateLimit(1, 1, Duration.ofHours(1)));
		List<String> ids = JdbcClient.create(dataSource())
			.sql("SELECT id FROM worker_rate_limit")
			.query(String.class)
			.list();
		assertThat(ids).singleElement().satisfies((id) -> assertThat(id).matches("[0-9a-f]{64}"));
	}

	@Test
	void removeExpiredDeletesOnlyBucketsThatAreFullAgain() {
		// Bucket4j computes expiry with the system clock: a bucket that refills within a
		// millisecond and is not kept after that is expired almost at once.
		JdbcRateLimitStore store = new JdbcRateLimitStore(dataSource(), Duration.ofSeconds(10), null, Duration.ZERO);
		RateLimit quick = new RateLimit(1, 1, Duration.ofMillis(1));
		RateLimit slow = new RateLimit(1, 1, Duration.ofDays(1));
		store.tryConsume("metered", "quick", quick);
		store.tryConsume("metered", "slow", slow);
		assertThat(rows()).isEqualTo(2);
		AtomicInteger removed = new AtomicInteger();
		await().atMost(Duration.ofSeconds(30)).until(() -> removed.addAndGet(store.removeExpired()) >= 1);
		assertThat(removed).hasValue(1);
		assertThat(rows()).isOne();
		// The bucket that is not full yet kept its state.
		assertThat(store.tryConsume("metered", "slow", slow).consumed()).isFalse();
	}

	@Test
	void rowsOfBucketsInUseAreNotExpired() {
		JdbcRateLimitStore store = newStore();
		store.tryConsume("metered", "alice", new RateLimit(1, 1, Duration.ofSeconds(1)));
		// Kept one minute after it is full again.
		assertThat(store.removeExpired()).isZero();
		assertThat(rows()).isOne();
	}

}
