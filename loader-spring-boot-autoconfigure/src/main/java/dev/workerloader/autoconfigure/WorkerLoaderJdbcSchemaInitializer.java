package dev.workerloader.autoconfigure;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DatabaseInitializationProperties;
import org.springframework.boot.jdbc.init.PropertiesBasedDataSourceScriptDatabaseInitializer;

/**
 * Creates the tables of one Worker Loader JDBC feature from its
 * {@code schema-@@platform@@.sql} script, as Spring Session JDBC does: when
 * {@code worker-loader.<feature>.jdbc.initialize-schema} says so ({@code embedded} by
 * default, {@code always} or {@code never}), with {@code @@platform@@} replaced by the
 * database ({@code postgresql}, {@code h2}, ...) or by
 * {@code worker-loader.<feature>.jdbc.platform}.
 * <p>
 * It is a Boot {@code DataSourceScriptDatabaseInitializer}, so Boot's database
 * initialisation ordering applies: it runs after Flyway and Liquibase, and the beans that
 * depend on database initialisation (the JDBC stores, see
 * {@link WorkerLoaderJdbcDependsOnDatabaseInitializationDetector}) are created after it.
 * One bean per feature; define a bean of the same name to replace one.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class WorkerLoaderJdbcSchemaInitializer
		extends PropertiesBasedDataSourceScriptDatabaseInitializer<DatabaseInitializationProperties> {

	/**
	 * Creates an initializer.
	 * @param dataSource the data source of the feature
	 * @param properties the feature's {@code ...jdbc.*} properties
	 */
	public WorkerLoaderJdbcSchemaInitializer(DataSource dataSource, DatabaseInitializationProperties properties) {
		super(dataSource, properties);
	}

}
