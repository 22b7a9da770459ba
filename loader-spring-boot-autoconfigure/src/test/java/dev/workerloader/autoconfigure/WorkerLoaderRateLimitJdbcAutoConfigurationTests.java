package dev.workerloader.autoconfigure;

import java.time.Duration;

import javax.sql.DataSource;

import dev.workerloader.TestPostgres;
import dev.workerloader.policy.RateLimit;
import dev.workerloader.ratelimit.ClientRateLimiter;
import dev.workerloader.ratelimit.InMemoryRateLimitStore;
import dev.workerloader.ratelimit.RateLimitStore;
import dev.workerloader.ratelimit.jdbc.JdbcRateLimitStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerLoaderRateLimitJdbcAutoConfiguration}.
 *
 * @author Worker Loader team
 */
class WorkerLoaderRateLimitJdbcAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WorkerLoaderAutoConfiguration.class,
				WorkerLoaderRateLimitJdbcAutoConfiguration.class));

	@Test
	void bucketsStayInMemoryByDefault() {
		this.contextRunner.withUserConfiguration(H2Configuration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(JdbcRateLimitStore.class)
				.doesNotHaveBean("workerLoaderRateLimitSchemaInitializer");
			assertThat(context.getBean(ClientRateLimiter.class).store()).isInstanceOf(InMemoryRateLimitStore.class);
		});
	}

	@Test
	void jdbcStoreWithoutADataSourceFailsStartupNamingTheKey() {
		this.contextRunner.withPropertyValues("worker-loader.rate-limits.store=jdbc").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("worker-loader.rate-limits.store")
				.hasMessageContaining("need a DataSource (one marked @WorkerLoaderDataSource");
		});
	}

	@Test
	void jdbcStoreWithoutBucket4jPostgreSqlFailsStartup() {
		this.contextRunner.withUserConfiguration(H2Configuration.class)
			.withClassLoader(new FilteredClassLoader("io.github.bucket4j.postgresql"))
			.withPropertyValues("worker-loader.rate-limits.store=jdbc")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("com.bucket4j:bucket4j_jdk17-postgresql");
			});
	}

	@Test
	void jdbcStoreOnANonPostgreSqlDatabaseFailsStartup() {
		this.contextRunner.withUserConfiguration(H2Configuration.class)
			.withPropertyValues("worker-loader.rate-limits.store=jdbc")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("need PostgreSQL, but the DataSource is 'H2'")
					.hasMessageContaining("worker-loader.rate-limits.store=memory");
			});
	}

	@Test
	void schemaIsCreatedOnAnEmbeddedDatabaseByDefault() {
		this.contextRunner.withUserConfiguration(H2Configuration.class)
			.withPropertyValues("worker-loader.rate-limits.store=jdbc")
			.withBean(RateLimitStore.class, InMemoryRateLimitStore::new)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasBean("workerLoaderRateLimitSchemaInitializer");
				assertThat(rows(context.getBean(DataSource.class))).isZero();
			});
	}

	@Test
	void schemaIsNotCreatedWhenInitializationIsNever() {
		this.contextRunner.withUserConfiguration(H2Configuration.class)
			.withPropertyValues("worker-loader.rate-limits.store=jdbc",
					"worker-loader.rate-limits.jdbc.initialize-schema=never")
			.withBean(RateLimitStore.class, InMemoryRateLimitStore::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
				assertThat(jdbc
					.sql("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'WORKER_RATE_LIMIT'")
					.query(Long.class)
					.single()).isZero();
			});
	}

	@Test
	void userStoreTakesPrecedence() {
		RateLimitStore own = (policy, client, limit) -> RateLimitStore.Consumption.CONSUMED;
		this.contextRunner.withUserConfiguration(H2Configuration.class)
			.withPropertyValues("worker-loader.rate-limits.store=jdbc")
			.withBean(RateLimitStore.class, () -> own)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(JdbcRateLimitStore.class);
				assertThat(context.getBean(ClientRateLimiter.class).store()).isSameAs(own);
			});
	}

	@Test
	void nonPositiveTimeoutFailsStartupNamingTheKey() {
		this.contextRunner.withUserConfiguration(H2Configuration.class)
			.withPropertyValues("worker-loader.rate-limits.store=jdbc", "worker-loader.rate-limits.jdbc.timeout=0s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("worker-loader.rate-limits.jdbc.timeout");
			});
	}

	@Test
	void sharesBucketsInPostgreSqlWhenAsked() {
		DataSource dataSource = TestPostgres.dataSource();
		this.contextRunner.withBean(DataSource.class, () -> dataSource)
			.withPropertyValues("worker-loader.rate-limits.store=jdbc",
					"worker-loader.rate-limits.jdbc.initialize-schema=always",
					"worker-loader.rate-limits.jdbc.cleanup-interval=1h")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(JdbcRateLimitStore.class);
				ClientRateLimiter limiter = context.getBean(ClientRateLimiter.class);
				assertThat(limiter.store().name()).isEqualTo("jdbc");
				assertThat(limiter.store()
					.tryConsume("autoconfig", "client-" + System.nanoTime(), new RateLimit(1, 1, Duration.ofHours(1)))
					.consumed()).isTrue();
				assertThat(
						context.getBean(WorkerLoaderRateLimitJdbcAutoConfiguration.RateLimitCleanup.class).isRunning())
					.isTrue();
			});
	}

	@Test
	void cleanupOfAnUnreachableDatabaseIsLoggedNotThrown() {
		JdbcRateLimitStore store = new JdbcRateLimitStore(
				new DriverManagerDataSource("jdbc:h2:mem:cleanup-" + System.nanoTime() + ";IFEXISTS=TRUE", "sa", ""),
				Duration.ofSeconds(1));
		WorkerLoaderRateLimitJdbcAutoConfiguration.RateLimitCleanup cleanup = new WorkerLoaderRateLimitJdbcAutoConfiguration.RateLimitCleanup(
				store, Duration.ofHours(1));
		assertThat(cleanup.cleanUp()).isZero();
	}

	@Test
	void cleanupLeavesAUsersStoreAlone() {
		WorkerLoaderRateLimitJdbcAutoConfiguration.RateLimitCleanup cleanup = new WorkerLoaderRateLimitJdbcAutoConfiguration.RateLimitCleanup(
				new InMemoryRateLimitStore(), Duration.ofHours(1));
		cleanup.start();
		assertThat(cleanup.isRunning()).isFalse();
		assertThat(cleanup.cleanUp()).isZero();
	}

	private static long rows(DataSource dataSource) {
		return JdbcClient.create(dataSource).sql("SELECT COUNT(*) FROM worker_rate_limit").query(Long.class).single();
	}

	@Configuration(proxyBeanMethods = false)
	static class H2Configuration {

		@Bean
		DriverManagerDataSource dataSource() {
			return new DriverManagerDataSource(
					"jdbc:h2:mem:rate-limit-autoconfig-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
		}

	}

}
