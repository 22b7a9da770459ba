package dev.workerloader.ratelimit.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

import javax.sql.DataSource;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerRateLimitUnavailableException;
import dev.workerloader.WorkerRateLimitedException;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.RateLimit;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.ratelimit.ClientIdResolver;
import dev.workerloader.ratelimit.ClientRateLimiter;
import dev.workerloader.ratelimit.InMemoryRateLimitStore;
import dev.workerloader.ratelimit.RateLimitStore;
import dev.workerloader.sandbox.GraalWorkerLoader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What happens when the store of the rate-limit buckets fails: the load or call is
 * refused (fail closed) with a typed error that names the worker, policy, client and
 * store but none of the database's own words, the failure is counted, and requests are
 * allowed again once the store answers.
 */
class RateLimitStoreFailureTests {

	private static final WorkerPolicy METERED = WorkerPolicy.of("metered", WorkerLimits.DEFAULTS)
		.withRateLimit(new RateLimit(5, 1, Duration.ofHours(1)));

	@Test
	void unreachableDatabaseRefusesWithATypedErrorAndIsCounted() {
		ClientRateLimiter limiter = new ClientRateLimiter(ClientIdResolver.NONE,
				new JdbcRateLimitStore(new UnreachableDataSource(new AtomicBoolean(true)), Duration.ofSeconds(1)));
		assertThatExceptionOfType(WorkerRateLimitUnavailableException.class)
			.isThrownBy(() -> limiter.acquire("invoice-render", METERED, "alice", "call"))
			.isInstanceOf(WorkerRateLimitedException.class)
			.satisfies((ex) -> {
				assertThat(ex.getName()).isEqualTo("RateLimitUnavailable");
				assertThat(ex.getPolicy()).isEqualTo("metered");
				assertThat(ex.getStore()).isEqualTo("jdbc");
				assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(1));
				assertThat(ex.getCause()).isNull();
				assertThat(ex.getStackTrace()).isEmpty();
			})
			.withMessageContaining("The call of worker 'invoice-render' was refused")
			.withMessageContaining("rate limit of policy 'metered' for client 'alice' could not be checked")
			.withMessageContaining("rate-limit store 'jdbc' failed")
			.withMessageContaining("worker-loader.rate-limits.store")
			.withMessageNotContaining("db.internal")
			.withMessageNotContaining("hunter2");
		assertThat(limiter.storeFailures()).isOne();
		assertThat(limiter.storeRequests()).isOne();
		assertThat(limiter.refusals()).isOne();
		assertThat(limiter.refusalsByPolicy()).containsEntry("metered", 1L);
	}

	@Test
	void requestsAreAllowedAgainOnceTheStoreAnswers() {
		AtomicBoolean failing = new AtomicBoolean(true);
		InMemoryRateLimitStore memory = new InMemoryRateLimitStore();
		RateLimitStore flaky = (policy, client, limit) -> {
			if (failing.get()) {
				throw new IllegalStateException("connection reset");
			}
			return memory.tryConsume(policy, client, limit);
		};
		ClientRateLimiter limiter = new ClientRateLimiter(ClientIdResolver.NONE, flaky);
		assertThatExceptionOfType(WorkerRateLimitUnavailableException.class)
			.isThrownBy(() -> limiter.acquire("w", METERED, "alice", "load"))
			.withMessageContaining("The load of worker 'w' was refused")
			.withMessageContaining("store 'custom' failed (IllegalStateException)");
		failing.set(false);
		limiter.acquire("w", METERED, "alice", "load");
		assertThat(limiter.storeFailures()).isOne();
		assertThat(limiter.storeRequests()).isEqualTo(2);
		assertThat(limiter.storeTime()).isPositive();
	}

	@Test
	void policiesWithoutARateLimitNeverAskTheStore() {
		AtomicBoolean failing = new AtomicBoolean(true);
		ClientRateLimiter limiter = new ClientRateLimiter(ClientIdResolver.NONE,
				new JdbcRateLimitStore(new UnreachableDataSource(failing), Duration.ofSeconds(1)));
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("default", WorkerLimits.DEFAULTS), METERED))
			.rateLimiter(limiter)
			.build()) {
			String source = "export default { hi() { return 'hi'; } }";
			try (Worker worker = loader.load(WorkerCode.builder().module("agent.js", source).build())) {
				assertThat(worker.getEntrypoint().call("hi", null)).isEqualTo("hi");
			}
			assertThatExceptionOfType(WorkerRateLimitUnavailableException.class)
				.isThrownBy(() -> loader
					.load(WorkerCode.builder().policy("metered").clientId("alice").module("agent.js", source).build()))
				.withMessageContaining("The load of worker");
			assertThat(limiter.storeRequests()).isOne();
			assertThat(limiter.storeFailures()).isOne();
		}
	}

	/**
	 * A DataSource whose database is down, with a driver message that must not reach the
	 * caller.
	 */
	static final class UnreachableDataSource implements DataSource {

		private final AtomicBoolean failing;

		UnreachableDataSource(AtomicBoolean failing) {
			this.failing = failing;
		}

		@Override
		public Connection getConnection() throws SQLException {
			if (this.failing.get()) {
				throw new SQLException("Connection to db.internal:5432 refused (user=app password=hunter2)");
			}
			throw new SQLException("not used");
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return getConnection();
		}

		@Override
		public PrintWriter getLogWriter() {
			return null;
		}

		@Override
		public void setLogWriter(PrintWriter out) {
		}

		@Override
		public void setLoginTimeout(int seconds) {
		}

		@Override
		public int getLoginTimeout() {
			return 0;
		}

		@Override
		public Logger getParentLogger() throws SQLFeatureNotSupportedException {
			throw new SQLFeatureNotSupportedException();
		}

		@Override
		public <T> T unwrap(Class<T> iface) throws SQLException {
			throw new SQLException("not a wrapper");
		}

		@Override
		public boolean isWrapperFor(Class<?> iface) {
			return false;
		}

	}

}
