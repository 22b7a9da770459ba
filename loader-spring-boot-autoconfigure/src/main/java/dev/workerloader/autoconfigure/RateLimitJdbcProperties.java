package dev.workerloader.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.init.DatabaseInitializationProperties;

/**
 * Settings of the rate-limit buckets in the DataSource
 * ({@code worker-loader.rate-limits.store=jdbc}), in the style of Spring Session JDBC's
 * properties: {@code initialize-schema}, {@code schema}, {@code platform} and
 * {@code continue-on-error} come from {@link DatabaseInitializationProperties}. Like the
 * KV store's, {@code continue-on-error} is {@code false}: the scripts are idempotent, so
 * an error is a real one.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@ConfigurationProperties(RateLimitJdbcProperties.PREFIX)
public class RateLimitJdbcProperties extends DatabaseInitializationProperties {

	/**
	 * The prefix of these properties.
	 */
	public static final String PREFIX = WorkerLoaderProperties.CONFIG_PREFIX + ".rate-limits.jdbc";

	/**
	 * The default location of the schema scripts.
	 */
	public static final String DEFAULT_SCHEMA_LOCATION = "classpath:dev/workerloader/ratelimit/jdbc/schema-@@platform@@.sql";

	/**
	 * Longest time one statement on the bucket table may take; past it the load or call
	 * is refused (fail closed).
	 */
	private Duration timeout = Duration.ofSeconds(2);

	/**
	 * How often each instance deletes the rows of buckets that are full again.
	 */
	private Duration cleanupInterval = Duration.ofMinutes(5);

	/**
	 * Whether initialization should continue when an error occurs when applying a schema
	 * script.
	 */
	private boolean continueOnError;

	@Override
	public boolean isContinueOnError() {
		return this.continueOnError;
	}

	@Override
	public void setContinueOnError(boolean continueOnError) {
		this.continueOnError = continueOnError;
	}

	@Override
	public String getDefaultSchemaLocation() {
		return DEFAULT_SCHEMA_LOCATION;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Duration getCleanupInterval() {
		return this.cleanupInterval;
	}

	public void setCleanupInterval(Duration cleanupInterval) {
		this.cleanupInterval = cleanupInterval;
	}

}
