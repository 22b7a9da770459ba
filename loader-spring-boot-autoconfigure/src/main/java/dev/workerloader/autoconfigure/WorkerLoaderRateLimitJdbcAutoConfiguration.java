package dev.workerloader.autoconfigure;

import java.sql.DatabaseMetaData;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.workerloader.ratelimit.RateLimitStore;
import dev.workerloader.ratelimit.jdbc.JdbcRateLimitStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of rate-limit buckets shared by every instance
 * ({@code worker-loader.rate-limits.store=jdbc}): a {@link JdbcRateLimitStore} on the
 * single {@link DataSource} (the one the KV store uses), its table created by a
 * {@link WorkerLoaderJdbcSchemaInitializer} as
 * {@code worker-loader.rate-limits.jdbc.initialize-schema} says, and a cleanup of expired
 * buckets every {@code worker-loader.rate-limits.jdbc.cleanup-interval}. Without a
 * DataSource or Bucket4j's PostgreSQL module, {@code store=jdbc} fails startup.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@AutoConfiguration(before = WorkerLoaderAutoConfiguration.class,
		afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
				"org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration" })
@ConditionalOnClass(name = { "org.graalvm.polyglot.Context", "io.github.bucket4j.postgresql.Bucket4jPostgreSQL",
		"org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer" })
@ConditionalOnBooleanProperty(prefix = WorkerLoaderProperties.CONFIG_PREFIX, name = "enabled", matchIfMissing = true)
@ConditionalOnProperty(prefix = WorkerLoaderProperties.CONFIG_PREFIX + ".rate-limits", name = "store",
		havingValue = "jdbc")
@Conditional(OnWorkerLoaderDataSourceCondition.class)
@EnableConfigurationProperties(RateLimitJdbcProperties.class)
public final class WorkerLoaderRateLimitJdbcAutoConfiguration {

	private static final Log logger = LogFactory.getLog(WorkerLoaderRateLimitJdbcAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean(name = "workerLoaderRateLimitSchemaInitializer")
	WorkerLoaderJdbcSchemaInitializer workerLoaderRateLimitSchemaInitializer(
			@WorkerLoaderDataSource ObjectProvider<DataSource> workerLoaderDataSource,
			ObjectProvider<DataSource> applicationDataSource, RateLimitJdbcProperties properties) {
		DataSource dataSource = workerLoaderDataSource.getIfAvailable(applicationDataSource::getObject);
		return new WorkerLoaderJdbcSchemaInitializer(dataSource, properties);
	}

	@Bean
	@ConditionalOnMissingBean(RateLimitStore.class)
	@DependsOnDatabaseInitialization
	JdbcRateLimitStore workerLoaderRateLimitStore(
			@WorkerLoaderDataSource ObjectProvider<DataSource> workerLoaderDataSource,
			ObjectProvider<DataSource> applicationDataSource, RateLimitJdbcProperties properties) {
		DataSource dataSource = workerLoaderDataSource.getIfAvailable(applicationDataSource::getObject);
		requirePositive(properties.getTimeout(), "timeout");
		requirePostgreSql(dataSource);
		return new JdbcRateLimitStore(dataSource, properties.getTimeout());
	}

	/**
	 * Bucket4j's PostgreSQL proxy manager speaks PostgreSQL only; another database would
	 * fail every request, and so refuse every rate-limited load and call.
	 */
	private static void requirePostgreSql(DataSource dataSource) {
		String product;
		try {
			product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
		}
		catch (MetaDataAccessException ex) {
			// The database is not reachable now: the store fails closed until it is.
			logger.warn("Could not check that the rate-limit DataSource is PostgreSQL (" + ex.getMessage() + ").");
			return;
		}
		if (!"PostgreSQL".equalsIgnoreCase(product)) {
			throw new InvalidConfigurationPropertyValueException(
					WorkerLoaderProperties.CONFIG_PREFIX + ".rate-limits.store", "jdbc",
					"Shared rate-limit buckets need PostgreSQL, but the DataSource is '" + product
							+ "'. Use a PostgreSQL DataSource, or worker-loader.rate-limits.store=memory.");
		}
	}

	@Bean
	@ConditionalOnMissingBean
	RateLimitCleanup workerLoaderRateLimitCleanup(RateLimitStore store, RateLimitJdbcProperties properties) {
		requirePositive(properties.getCleanupInterval(), "cleanup-interval");
		return new RateLimitCleanup(store, properties.getCleanupInterval());
	}

	private static void requirePositive(Duration value, String name) {
		if (value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException(RateLimitJdbcProperties.PREFIX + "." + name, value,
					"The " + name.replace('-', ' ') + " must be positive.");
		}
	}

	/**
	 * Deletes expired bucket rows on a daemon thread while the context runs. Every
	 * instance runs one: the deletion skips locked rows, so they do not block each other
	 * or running requests.
	 */
	static final class RateLimitCleanup implements SmartLifecycle {

		private static final Log logger = LogFactory.getLog(RateLimitCleanup.class);

		private final @Nullable JdbcRateLimitStore store;

		private final Duration interval;

		private @Nullable ScheduledExecutorService executor;

		RateLimitCleanup(RateLimitStore store, Duration interval) {
			// A user's own store cleans up after itself.
			this.store = (store instanceof JdbcRateLimitStore jdbc) ? jdbc : null;
			this.interval = interval;
		}

		@Override
		public synchronized void start() {
			if (this.store == null || this.executor != null) {
				return;
			}
			this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "worker-loader-rate-limit-cleanup");
				thread.setDaemon(true);
				return thread;
			});
			long millis = this.interval.toMillis();
			this.executor.scheduleWithFixedDelay(this::cleanUp, millis, millis, TimeUnit.MILLISECONDS);
		}

		/**
		 * Runs one cleanup now.
		 * @return the number of rows deleted
		 */
		int cleanUp() {
			JdbcRateLimitStore store = this.store;
			if (store == null) {
				return 0;
			}
			try {
				int removed = store.removeExpired();
				if (removed > 0 && logger.isDebugEnabled()) {
					logger.debug("Deleted " + removed + " expired rate-limit buckets");
				}
				return removed;
			}
			catch (RuntimeException ex) {
				logger.warn("Could not delete expired rate-limit buckets (" + ex.getClass().getName() + ": "
						+ ex.getMessage() + "); retrying in " + this.interval + ".");
				return 0;
			}
		}

		@Override
		public synchronized void stop() {
			if (this.executor != null) {
				this.executor.shutdownNow();
				this.executor = null;
			}
		}

		@Override
		public synchronized boolean isRunning() {
			return this.executor != null;
		}

	}

}
