package dev.workerloader.ratelimit.jdbc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

import javax.sql.DataSource;

import dev.workerloader.policy.RateLimit;
import dev.workerloader.ratelimit.RateLimitStore;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RateLimitStore} in PostgreSQL through Bucket4j's
 * {@link PostgreSQLSelectForUpdateBasedProxyManager}: one row per policy and client,
 * locked ({@code SELECT ... FOR UPDATE}) while a token is taken, so one bucket holds
 * across every application instance on the same database and the tokens handed out never
 * add up to more than the bucket allows.
 * <p>
 * The table is {@value #TABLE} (scripts {@code schema-postgresql.sql} and
 * {@code schema-h2.sql} beside this class): {@code id} is the SHA-256 of the policy, the
 * bucket's shape and the client (so no client id is stored, and a changed rate limit
 * starts a new bucket), {@code state} Bucket4j's serialized bucket, {@code expires_at}
 * (epoch milliseconds) when the bucket is full again plus {@link #KEEP_AFTER_REFILL}:
 * {@link #removeExpired()} deletes rows past it, which forgets nothing a full bucket
 * would remember.
 * <p>
 * Refill is computed from the clock of the instance that takes the token: keep the
 * instances' clocks in sync (NTP). There is no local cache in front of the table, since a
 * token taken from a local copy would let the instances together exceed the limit.
 * Thread-safe.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class JdbcRateLimitStore implements RateLimitStore {

	/**
	 * The table of the buckets.
	 */
	public static final String TABLE = "worker_rate_limit";

	/**
	 * How long a bucket row is kept after the bucket is full again.
	 */
	public static final Duration KEEP_AFTER_REFILL = Duration.ofMinutes(1);

	private static final int CLEANUP_BATCH = 1000;

	private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;

	/**
	 * Creates a store on a PostgreSQL data source whose {@value #TABLE} table exists.
	 * @param dataSource the data source
	 * @param timeout the longest one statement may take before the request fails (and its
	 * load or call is refused)
	 */
	public JdbcRateLimitStore(DataSource dataSource, Duration timeout) {
		this(dataSource, timeout, null, KEEP_AFTER_REFILL);
	}

	/**
	 * Creates a store with a clock of its own, for tests.
	 * @param dataSource the data source
	 * @param timeout the longest one statement may take
	 * @param clock the clock refill is computed with, or {@code null} for the system
	 * clock (expiry always uses the system clock)
	 * @param keepAfterRefill how long a row is kept after its bucket is full again
	 */
	JdbcRateLimitStore(DataSource dataSource, Duration timeout, @Nullable TimeMeter clock, Duration keepAfterRefill) {
		Objects.requireNonNull(dataSource, "'dataSource' must not be null");
		Objects.requireNonNull(timeout, "'timeout' must not be null");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("'timeout' must be positive, but was " + timeout);
		}
		var builder = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
			.primaryKeyMapper(PrimaryKeyMapper.STRING)
			.table(TABLE)
			.idColumn("id")
			.stateColumn("state")
			.expiresAtColumn("expires_at")
			.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(keepAfterRefill))
			.requestTimeout(timeout);
		if (clock != null) {
			builder.clientClock(clock);
		}
		this.buckets = builder.build();
	}

	@Override
	public Consumption tryConsume(String policy, String client, RateLimit limit) {
		ConsumptionProbe probe = this.buckets.builder()
			.build(key(policy, client, limit), () -> configuration(limit))
			.tryConsumeAndReturnRemaining(1);
		return probe.isConsumed() ? Consumption.CONSUMED : Consumption.refused(probe.getNanosToWaitForRefill());
	}

	@Override
	public String name() {
		return "jdbc";
	}

	/**
	 * Deletes the rows of buckets that are full again, in batches; rows locked by a
	 * running request are skipped, so every instance may run this at any time.
	 * @return the number of rows deleted
	 */
	public int removeExpired() {
		int total = 0;
		int removed;
		do {
			removed = this.buckets.removeExpired(CLEANUP_BATCH);
			total += removed;
		}
		while (removed >= CLEANUP_BATCH);
		return total;
	}

	/**
	 * Returns the row id of the bucket of a client under a policy and rate limit.
	 * @param policy the policy name
	 * @param client the client id
	 * @param limit the rate limit
	 * @return 64 hex digits
	 */
	static String key(String policy, String client, RateLimit limit) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			// Lengths first: no choice of names can make two different keys collide.
			String canonical = policy.length() + ":" + policy + ":" + limit.capacity() + ":" + limit.refillTokens()
					+ ":" + limit.refillPeriod().toNanos() + ":" + client.length() + ":" + client;
			return HexFormat.of().formatHex(digest.digest(canonical.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	private static BucketConfiguration configuration(RateLimit limit) {
		return BucketConfiguration.builder()
			.addLimit(Bandwidth.builder()
				.capacity(limit.capacity())
				.refillGreedy(limit.refillTokens(), limit.refillPeriod())
				.build())
			.build();
	}

}
