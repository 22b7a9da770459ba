package dev.workerloader.autoconfigure;

import javax.sql.DataSource;

import dev.workerloader.kv.InMemoryKvStore;
import dev.workerloader.kv.KvBinding;
import dev.workerloader.kv.KvLimits;
import dev.workerloader.kv.KvStore;
import dev.workerloader.kv.jdbc.JdbcKvStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.util.unit.DataSize;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the built-in {@code KV} binding: a {@link KvBinding} bean,
 * registered as a binding like any {@code @WorkerBinding} bean (so a worker only gets it
 * when its policy lists {@code KV}), over a {@link JdbcKvStore} when there is a
 * {@link WorkerLoaderDataSource @WorkerLoaderDataSource} or one (or a primary)
 * {@link DataSource}, else an {@link InMemoryKvStore}.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration" })
@ConditionalOnClass(name = "org.graalvm.polyglot.Context")
@ConditionalOnBooleanProperty(prefix = WorkerLoaderProperties.CONFIG_PREFIX, name = "enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(prefix = WorkerLoaderProperties.CONFIG_PREFIX + ".kv", name = "enabled",
		matchIfMissing = true)
@EnableConfigurationProperties(WorkerLoaderProperties.class)
public final class WorkerLoaderKvAutoConfiguration {

	// Bean methods of this class are processed after the nested configuration, so the
	// JDBC store wins when there is a DataSource.
	@Bean
	@ConditionalOnMissingBean(KvStore.class)
	InMemoryKvStore workerLoaderKvStore() {
		return new InMemoryKvStore();
	}

	@Bean
	@ConditionalOnMissingBean
	KvBinding workerLoaderKvBinding(KvStore store, WorkerLoaderProperties properties) {
		return new KvBinding(store, limits(properties.getKv()));
	}

	static KvLimits limits(WorkerLoaderProperties.Kv kv) {
		String prefix = WorkerLoaderProperties.CONFIG_PREFIX + ".kv.";
		long keySize = kv.getMaxKeySize().toBytes();
		long valueSize = kv.getMaxValueSize().toBytes();
		require(keySize >= 1 && keySize <= 4096, prefix + "max-key-size", kv.getMaxKeySize(),
				"The key size limit must be between 1B and 4KB.");
		require(valueSize >= 0 && valueSize <= 10 * 1024 * 1024, prefix + "max-value-size", kv.getMaxValueSize(),
				"The value size limit must be between 0B and 10MB.");
		require(kv.getMaxKeys() >= 1, prefix + "max-keys", kv.getMaxKeys(), "The key limit must be at least 1.");
		require(kv.getMaxBytes().toBytes() >= 1, prefix + "max-bytes", kv.getMaxBytes(),
				"The namespace size limit must be positive.");
		require(kv.getMaxBatchSize() >= 1, prefix + "max-batch-size", kv.getMaxBatchSize(),
				"The batch size limit must be at least 1.");
		return new KvLimits((int) keySize, (int) valueSize, kv.getMaxKeys(), kv.getMaxBytes().toBytes(),
				kv.getMaxBatchSize());
	}

	private static void require(boolean valid, String key, Object value, String reason) {
		if (!valid) {
			throw new InvalidConfigurationPropertyValueException(key, value, reason);
		}
	}

	/**
	 * The JDBC store, as Spring Session JDBC: on the {@code @WorkerLoaderDataSource},
	 * else the application's {@code DataSource}; tables created by
	 * {@code schema-@@platform@@.sql} per
	 * {@code worker-loader.kv.jdbc.initialize-schema}, in Boot's database-initialisation
	 * order (issue 14).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.springframework.jdbc.core.simple.JdbcClient",
			"org.springframework.boot.jdbc.init.DatabaseInitializationProperties" })
	@Conditional(OnWorkerLoaderDataSourceCondition.class)
	@EnableConfigurationProperties(WorkerLoaderKvJdbcProperties.class)
	@Import(DatabaseInitializationDependencyConfigurer.class)
	static class JdbcKvStoreConfiguration {

		// Declared before the store: it applies when the store below does, not when the
		// application brings its own KvStore.
		@Bean
		@ConditionalOnMissingBean(value = KvStore.class, name = "workerLoaderKvSchemaInitializer")
		WorkerLoaderJdbcSchemaInitializer workerLoaderKvSchemaInitializer(
				@WorkerLoaderDataSource ObjectProvider<DataSource> workerLoaderDataSource,
				ObjectProvider<DataSource> dataSource, WorkerLoaderKvJdbcProperties properties) {
			return new WorkerLoaderJdbcSchemaInitializer(workerLoaderDataSource.getIfAvailable(dataSource::getObject),
					properties);
		}

		@Bean
		@ConditionalOnMissingBean(KvStore.class)
		JdbcKvStore workerLoaderJdbcKvStore(@WorkerLoaderDataSource ObjectProvider<DataSource> workerLoaderDataSource,
				ObjectProvider<DataSource> dataSource, WorkerLoaderProperties properties) {
			DataSize maxKeySize = properties.getKv().getMaxKeySize();
			require(maxKeySize.toBytes() <= JdbcKvStore.MAX_KEY_SIZE,
					WorkerLoaderProperties.CONFIG_PREFIX + ".kv.max-key-size", maxKeySize,
					"The JDBC KV store keeps keys in a primary-key index, and PostgreSQL cannot index more than "
							+ JdbcKvStore.MAX_INDEXED_BYTES + " bytes of namespace and key together: with namespaces of"
							+ " up to " + JdbcKvStore.MAX_NAMESPACE_SIZE + " bytes, keys must be at most "
							+ JdbcKvStore.MAX_KEY_SIZE + "B.");
			return new JdbcKvStore(workerLoaderDataSource.getIfAvailable(dataSource::getObject));
		}

	}

}
