package dev.workerloader.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.init.DatabaseInitializationProperties;

/**
 * Settings of the audit trail in the DataSource ({@code worker-loader.audit.store=jdbc}),
 * in the style of Spring Session JDBC's properties: {@code initialize-schema},
 * {@code schema}, {@code platform} and {@code continue-on-error} come from
 * {@link DatabaseInitializationProperties}. Like the KV store's,
 * {@code continue-on-error} is {@code false}: the scripts are idempotent, so an error is
 * a real one.
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

}
