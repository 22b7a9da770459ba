package dev.workerloader.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.init.DatabaseInitializationProperties;

/**
 * Settings of the audit trail in the DataSource ({@code worker-loader.audit.store=jdbc}),
 * in the style of Spring Session JDBC's properties: {@code initialize-schema},
 * {@code schema}, {@code platform} and {@code continue-on-error} come from
 * {@link DatabaseInitializationProperties}.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@ConfigurationProperties(AuditJdbcProperties.PREFIX)
public class AuditJdbcProperties extends DatabaseInitializationProperties {

	/**
	 * The prefix of these properties.
	 */
	public static final String PREFIX = WorkerLoaderProperties.CONFIG_PREFIX + ".audit.jdbc";

	/**
	 * The default location of the schema scripts.
	 */
	public static final String DEFAULT_SCHEMA_LOCATION = "classpath:dev/workerloader/actuate/audit/schema-@@platform@@.sql";

	@Override
	public String getDefaultSchemaLocation() {
		return DEFAULT_SCHEMA_LOCATION;
	}

}
