package dev.workerloader.autoconfigure;

import java.util.Set;

import dev.workerloader.kv.jdbc.JdbcKvStore;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDependsOnDatabaseInitializationDetector;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitializationDetector;
import org.springframework.util.ClassUtils;

/**
 * {@link DependsOnDatabaseInitializationDetector} for the Worker Loader's JDBC stores: a
 * store bean, the application's own included, is created only after every database
 * initializer (Flyway, Liquibase, the {@code schema-@@platform@@.sql} scripts) ran. Other
 * JDBC features add their store types here.
 *
 * @author Worker Loader team
 */
class WorkerLoaderJdbcDependsOnDatabaseInitializationDetector
		extends AbstractBeansOfTypeDependsOnDatabaseInitializationDetector {

	@Override
	protected Set<Class<?>> getDependsOnDatabaseInitializationBeanTypes() {
		// Registered in spring.factories: applications with Boot's SQL support but
		// without
		// Spring JDBC load it too.
		if (!ClassUtils.isPresent("org.springframework.jdbc.core.simple.JdbcClient", getClass().getClassLoader())) {
			return Set.of();
		}
		return Set.of(JdbcKvStore.class);
	}

}
