package dev.workerloader.autoconfigure;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.PropertiesBasedDataSourceScriptDatabaseInitializer;

/**
 * Creates the {@code worker_audit_event} table as
 * {@code worker-loader.audit.jdbc.initialize-schema} says, with Spring Boot's database
 * initialisation: after Flyway and Liquibase, before the repository uses it.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class AuditSchemaInitializer extends PropertiesBasedDataSourceScriptDatabaseInitializer<AuditJdbcProperties> {

	/**
	 * Creates an initializer.
	 * @param dataSource the data source of the repository
	 * @param properties the settings
	 */
	public AuditSchemaInitializer(DataSource dataSource, AuditJdbcProperties properties) {
		super(dataSource, properties);
	}

}
