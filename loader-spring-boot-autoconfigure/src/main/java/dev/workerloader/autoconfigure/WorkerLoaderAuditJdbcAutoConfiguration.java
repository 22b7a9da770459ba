package dev.workerloader.autoconfigure;

import javax.sql.DataSource;

import dev.workerloader.actuate.audit.JdbcAuditEventRepository;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of an audit trail shared by every instance and kept across restarts
 * ({@code worker-loader.audit.store=jdbc}): a {@link JdbcAuditEventRepository} on the
 * single {@link DataSource} (the one the KV store uses), its table created by an
 * {@link WorkerLoaderJdbcSchemaInitializer} as
 * {@code worker-loader.audit.jdbc.initialize-schema} says. Only with Actuator's audit
 * classes on the classpath, and only when the application defines no
 * {@link AuditEventRepository} of its own; it then becomes the application's repository,
 * so Actuator's audit listener and {@code auditevents} endpoint use it too.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@AutoConfiguration(before = WorkerLoaderAuditAutoConfiguration.class,
		beforeName = "org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration",
		afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
				"org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration" })
@ConditionalOnClass(name = { "org.springframework.boot.actuate.audit.AuditEventRepository",
		"org.springframework.jdbc.core.simple.JdbcClient",
		"org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer" })
@ConditionalOnBooleanProperty(prefix = WorkerLoaderProperties.CONFIG_PREFIX, name = "enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(prefix = WorkerLoaderProperties.CONFIG_PREFIX, name = "audit.enabled",
		matchIfMissing = true)
@ConditionalOnProperty(prefix = WorkerLoaderProperties.CONFIG_PREFIX + ".audit", name = "store", havingValue = "jdbc")
@Conditional(OnWorkerLoaderDataSourceCondition.class)
@EnableConfigurationProperties(AuditJdbcProperties.class)
public final class WorkerLoaderAuditJdbcAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "workerLoaderAuditSchemaInitializer")
	WorkerLoaderJdbcSchemaInitializer workerLoaderAuditSchemaInitializer(
			@WorkerLoaderDataSource ObjectProvider<DataSource> workerLoaderDataSource,
			ObjectProvider<DataSource> applicationDataSource, AuditJdbcProperties properties) {
		DataSource dataSource = workerLoaderDataSource.getIfAvailable(applicationDataSource::getObject);
		return new WorkerLoaderJdbcSchemaInitializer(dataSource, properties);
	}

	@Bean
	@ConditionalOnMissingBean(AuditEventRepository.class)
	@DependsOnDatabaseInitialization
	JdbcAuditEventRepository workerLoaderAuditEventRepository(
			@WorkerLoaderDataSource ObjectProvider<DataSource> workerLoaderDataSource,
			ObjectProvider<DataSource> applicationDataSource) {
		DataSource dataSource = workerLoaderDataSource.getIfAvailable(applicationDataSource::getObject);
		return new JdbcAuditEventRepository(dataSource);
	}

}
