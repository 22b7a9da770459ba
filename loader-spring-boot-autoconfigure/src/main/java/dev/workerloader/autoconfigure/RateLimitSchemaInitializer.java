package dev.workerloader.autoconfigure;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.PropertiesBasedDataSourceScriptDatabaseInitializer;

/**
 * Creates the {@code worker_rate_limit} table as
 * {@code worker-loader.rate-limits.jdbc.initialize-schema} says, with Spring Boot's
 * database initialisation: after Flyway and Liquibase, before the store uses it.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class RateLimitSchemaInitializer
		extends PropertiesBasedDataSourceScriptDatabaseInitializer<RateLimitJdbcProperties> {

	/**
	 * Creates an initializer.
	 * @param dataSource the data source of the store
	 * @param properties the settings
	 */
	public RateLimitSchemaInitializer(DataSource dataSource, RateLimitJdbcProperties properties) {
		super(dataSource, properties);
	}

}
