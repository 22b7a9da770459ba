package dev.workerloader.autoconfigure;

import javax.sql.DataSource;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import dev.workerloader.actuate.audit.AuditWorkerListener;
import dev.workerloader.actuate.audit.JdbcAuditEventRepository;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.boot.actuate.audit.listener.AuditListener;
import org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration;
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
 * Tests for {@link WorkerLoaderAuditJdbcAutoConfiguration}.
 *
 * @author Worker Loader team
 */
class WorkerLoaderAuditJdbcAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(WorkerLoaderAutoConfiguration.class, WorkerLoaderAuditAutoConfiguration.class,
					WorkerLoaderAuditJdbcAutoConfiguration.class, AuditAutoConfiguration.class));

	@Test
	void noRepositoryByDefault() {
		this.contextRunner.withUserConfiguration(H2Configuration.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(AuditEventRepository.class)
				.doesNotHaveBean("workerLoaderAuditSchemaInitializer"));
	}

	@Test
	void storesWorkerEventsInTheDataSourceWhenAsked() {
		this.contextRunner.withUserConfiguration(H2Configuration.class)
			.withPropertyValues("worker-loader.audit.store=jdbc")
			.run((context) -> {
				assertThat(context).hasSingleBean(JdbcAuditEventRepository.class)
					.hasBean("workerLoaderAuditSchemaInitializer")
					.hasSingleBean(AuditListener.class);
				try (Worker worker = context.getBean(WorkerLoader.class)
					.load(WorkerCode.builder()
						.clientId("alice")
						.module("agent.js", "export default { hi() { return 'secret-source-text'; } }")
						.build())) {
					worker.getEntrypoint().call("hi", null);
				}
				JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
				assertThat(jdbc.sql("SELECT event_type FROM worker_audit_event ORDER BY id").query(String.class).list())
					.containsExactly(AuditWorkerListener.LOAD, AuditWorkerListener.INVOCATION);
				assertThat(jdbc.sql("SELECT event_data FROM worker_audit_event").query(String.class).list())
					.noneMatch((data) -> data.contains("secret-source-text"));
				assertThat(context.getBean(AuditEventRepository.class).find("alice", null, null))
					.extracting(AuditEvent::getType)
					.containsExactly(AuditWorkerListener.LOAD, AuditWorkerListener.INVOCATION);
			});
	}

	@Test
	void storesInTheWorkerLoaderDataSourceWhenThereIsOne() {
		this.contextRunner.withUserConfiguration(H2Configuration.class, WorkersDataSourceConfiguration.class)
			.withPropertyValues("worker-loader.audit.store=jdbc")
			.run((context) -> {
				try (Worker worker = context.getBean(WorkerLoader.class)
					.load(WorkerCode.builder().module("agent.js", "export default { hi() { return 1; } }").build())) {
					worker.getEntrypoint().call("hi", null);
				}
				DataSource workers = context.getBean("workersDataSource", DataSource.class);
				assertThat(JdbcClient.create(workers)
					.sql("SELECT count(*) FROM worker_audit_event")
					.query(Long.class)
					.single()).isEqualTo(2);
				// The application's own database is untouched.
				assertThat(JdbcClient.create(context.getBean("dataSource", DataSource.class))
					.sql("SELECT count(*) FROM information_schema.tables WHERE lower(table_name) = 'worker_audit_event'")
					.query(Long.class)
					.single()).isZero();
			});
	}

	@Test
	void jdbcStoreWithoutADataSourceFailsStartupNamingTheKey() {
		this.contextRunner.withPropertyValues("worker-loader.audit.store=jdbc").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("worker-loader.audit.store");
		});
	}

	@Test
	void backsOffWithoutActuator() {
		this.contextRunner.withUserConfiguration(H2Configuration.class)
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.withPropertyValues("worker-loader.audit.store=jdbc")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(JdbcAuditEventRepository.class)
				.doesNotHaveBean("workerLoaderAuditSchemaInitializer"));
	}

	@Test
	void userRepositoryTakesPrecedence() {
		this.contextRunner.withUserConfiguration(H2Configuration.class)
			.withPropertyValues("worker-loader.audit.store=jdbc")
			.withBean(InMemoryAuditEventRepository.class)
			.run((context) -> assertThat(context).doesNotHaveBean(JdbcAuditEventRepository.class)
				.hasSingleBean(AuditEventRepository.class));
	}

	@Test
	void schemaIsNotCreatedWhenInitializationIsNever() {
		this.contextRunner.withUserConfiguration(H2Configuration.class)
			.withPropertyValues("worker-loader.audit.store=jdbc", "worker-loader.audit.jdbc.initialize-schema=never")
			.run((context) -> {
				JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
				assertThat(jdbc
					.sql("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'WORKER_AUDIT_EVENT'")
					.query(Long.class)
					.single()).isZero();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class H2Configuration {

		@Bean
		DriverManagerDataSource dataSource() {
			return new DriverManagerDataSource(
					"jdbc:h2:mem:audit-autoconfig-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WorkersDataSourceConfiguration {

		@Bean(defaultCandidate = false)
		@WorkerLoaderDataSource
		DriverManagerDataSource workersDataSource() {
			return new DriverManagerDataSource("jdbc:h2:mem:audit-workers-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
					"sa", "");
		}

	}

}
