package dev.workerloader.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.init.DatabaseInitializationProperties;

/**
 * Schema settings of the JDBC KV store, {@code worker-loader.kv.jdbc.*}, as Spring
 * Session's {@code spring.session.jdbc.*}: {@code initialize-schema} ({@code embedded} by
 * default), {@code schema} (the script, {@code @@platform@@} replaced by the database)
 * and {@code platform}. Unlike Spring Session, {@code continue-on-error} is
 * {@code false}: the scripts are idempotent, so an error is a real one.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@ConfigurationProperties(WorkerLoaderKvJdbcProperties.CONFIG_PREFIX)
public class WorkerLoaderKvJdbcProperties extends DatabaseInitializationProperties {

	/**
	 * The prefix of the properties.
	 */
	public static final String CONFIG_PREFIX = WorkerLoaderProperties.CONFIG_PREFIX + ".kv.jdbc";

	/**
	 * Where the scripts are, one per platform.
	 */
	public static final String DEFAULT_SCHEMA_LOCATION = "classpath:dev/workerloader/kv/jdbc/schema-@@platform@@.sql";

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
