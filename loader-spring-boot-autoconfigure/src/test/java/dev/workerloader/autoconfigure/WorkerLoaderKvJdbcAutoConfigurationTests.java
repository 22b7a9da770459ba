package dev.workerloader.autoconfigure;

import java.util.List;
import java.util.Locale;
import java.util.UUID;

import javax.sql.DataSource;

import dev.workerloader.kv.KvBinding;
import dev.workerloader.kv.KvLimits;
import dev.workerloader.kv.KvOp;
import dev.workerloader.kv.KvStore;
import dev.workerloader.kv.jdbc.JdbcKvStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JDBC KV store follows Spring Session JDBC (issue 14): schema per
 * {@code worker-loader.kv.jdbc.initialize-schema} ({@code embedded} by default) from
 * per-platform scripts, after Flyway, on a {@link WorkerLoaderDataSource} when there is
 * one.
 */
class WorkerLoaderKvJdbcAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WorkerLoaderKvAutoConfiguration.class));

	private static DriverManagerDataSource h2(String name) {
		return new DriverManagerDataSource(
				"jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=30000", "sa", "");
	}

	private static boolean hasKvTables(DataSource dataSource) {
		return JdbcClient.create(dataSource)
			.sql("SELECT COUNT(*) FROM information_schema.tables WHERE LOWER(table_name) = 'worker_kv'"
					+ " AND LOWER(table_schema) = LOWER(CURRENT_SCHEMA)")
			.query(Integer.class)
			.single() > 0;
	}

	private static void roundTrip(KvStore store) {
		KvLimits limits = new KvLimits(512, 1024, 10, 10_000, 10);
		store.apply("worker:t", List.of(KvOp.put("k", "v")), limits);
		assertThat(store.get("worker:t", "k")).isEqualTo("v");
	}

	@Test
	void embeddedDatabaseIsInitializedByDefault() {
		this.contextRunner.withBean(DataSource.class, () -> h2("kv-embedded")).run((context) -> {
			assertThat(context).hasSingleBean(JdbcKvStore.class).hasBean("workerLoaderKvSchemaInitializer");
			assertThat(hasKvTables(context.getBean(DataSource.class))).isTrue();
			roundTrip(context.getBean(JdbcKvStore.class));
		});
	}

	@Test
	void neverLeavesTheSchemaAlone() {
		this.contextRunner.withBean(DataSource.class, () -> h2("kv-never"))
			.withPropertyValues("worker-loader.kv.jdbc.initialize-schema=never")
			.run((context) -> {
				assertThat(context).hasSingleBean(JdbcKvStore.class);
				assertThat(hasKvTables(context.getBean(DataSource.class))).isFalse();
			});
	}

	@Test
	void workerLoaderDataSourceIsUsedInsteadOfTheApplicationOne() {
		this.contextRunner.withUserConfiguration(TwoDataSourcesConfiguration.class).run((context) -> {
			DataSource application = context.getBean("applicationDataSource", DataSource.class);
			DataSource workers = context.getBean("workersDataSource", DataSource.class);
			assertThat(hasKvTables(workers)).isTrue();
			assertThat(hasKvTables(application)).isFalse();
			roundTrip(context.getBean(JdbcKvStore.class));
			assertThat(JdbcClient.create(workers).sql("SELECT COUNT(*) FROM worker_kv").query(Integer.class).single())
				.isEqualTo(1);
		});
	}

	@Test
	void workerLoaderDataSourceThatIsNoDefaultCandidateIsUsed() {
		this.contextRunner.withUserConfiguration(NonDefaultCandidateConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			DataSource application = context.getBean(DataSource.class);
			DataSource workers = context.getBean("workersDataSource", DataSource.class);
			assertThat(application).isNotSameAs(workers);
			assertThat(hasKvTables(workers)).isTrue();
			assertThat(hasKvTables(application)).isFalse();
			roundTrip(context.getBean(JdbcKvStore.class));
		});
	}

	@Test
	void severalDataSourcesWithoutPrimaryOrQualifierKeepKvInMemory() {
		this.contextRunner.withBean("one", DataSource.class, () -> h2("kv-one"))
			.withBean("two", DataSource.class, () -> h2("kv-two"))
			.run((context) -> assertThat(context).doesNotHaveBean(JdbcKvStore.class)
				.doesNotHaveBean("workerLoaderKvSchemaInitializer")
				.hasSingleBean(KvStore.class));
	}

	@Test
	void schemaScriptRunsAfterFlyway() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
			.withBean(DataSource.class, () -> h2("kv-flyway"))
			.withPropertyValues("spring.flyway.locations=classpath:db/kv-flyway",
					"worker-loader.kv.jdbc.schema=classpath:db/kv-after-flyway.sql")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(JdbcClient.create(context.getBean(DataSource.class))
					.sql("SELECT name FROM app_marker")
					.query(String.class)
					.list()).containsExactly("kv-schema-ran-after-flyway");
				roundTrip(context.getBean(JdbcKvStore.class));
			});
	}

	@Test
	void storeOfTheApplicationGetsNoSchemaInitializer() {
		this.contextRunner.withBean(DataSource.class, () -> h2("kv-own"))
			.withBean("myKvStore", JdbcKvStore.class, () -> new JdbcKvStore(h2("kv-own-unused")))
			.run((context) -> {
				// The application's own store: no schema initializer for it.
				assertThat(context).hasSingleBean(KvStore.class).doesNotHaveBean("workerLoaderKvSchemaInitializer");
				assertThat(context.getBean(KvBinding.class)).isNotNull();
			});
	}

	@Test
	void keySizeThatPostgresCannotIndexFailsStartup() {
		this.contextRunner.withBean(DataSource.class, () -> h2("kv-keysize"))
			.withPropertyValues("worker-loader.kv.max-key-size=4KB")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				while (!(failure instanceof InvalidConfigurationPropertyValueException) && failure.getCause() != null) {
					failure = failure.getCause();
				}
				assertThat(failure).isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("worker-loader.kv.max-key-size")
					.hasMessageContaining("2431B")
					.hasMessageContaining("PostgreSQL");
			});
	}

	@Test
	void postgresIsNotInitializedByDefaultAndIsWithAlways() {
		String url = System.getenv("WORKERLOADER_TEST_PG_URL");
		Assumptions.assumeTrue(url != null && !url.isBlank(), "PostgreSQL tests skipped: WORKERLOADER_TEST_PG_URL");
		String user = System.getenv().getOrDefault("WORKERLOADER_TEST_PG_USER", "postgres");
		String password = System.getenv().getOrDefault("WORKERLOADER_TEST_PG_PASSWORD", "");
		String schema = "wl_kv_"
				+ UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
		DriverManagerDataSource admin = new DriverManagerDataSource(url, user, password);
		JdbcClient.create(admin).sql("CREATE SCHEMA " + schema).update();
		try {
			String scoped = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
			this.contextRunner.withBean(DataSource.class, () -> new DriverManagerDataSource(scoped, user, password))
				.run((context) -> {
					assertThat(context).hasSingleBean(JdbcKvStore.class);
					assertThat(hasKvTables(context.getBean(DataSource.class))).isFalse();
				});
			this.contextRunner.withBean(DataSource.class, () -> new DriverManagerDataSource(scoped, user, password))
				.withPropertyValues("worker-loader.kv.jdbc.initialize-schema=always")
				.run((context) -> {
					assertThat(hasKvTables(context.getBean(DataSource.class))).isTrue();
					roundTrip(context.getBean(JdbcKvStore.class));
				});
		}
		finally {
			JdbcClient.create(admin).sql("DROP SCHEMA " + schema + " CASCADE").update();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class NonDefaultCandidateConfiguration {

		@Bean
		DataSource applicationDataSource() {
			return h2("kv-app-only");
		}

		@Bean(defaultCandidate = false)
		@WorkerLoaderDataSource
		DataSource workersDataSource() {
			return h2("kv-workers-only");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoDataSourcesConfiguration {

		@Bean
		@Primary
		DataSource applicationDataSource() {
			return h2("kv-app");
		}

		@Bean
		@WorkerLoaderDataSource
		DataSource workersDataSource() {
			return h2("kv-workers");
		}

	}

}
