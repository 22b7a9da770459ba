package dev.workerloader.kv;

import dev.workerloader.kv.jdbc.JdbcKvStore;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * {@link JdbcKvStore} on embedded H2 against the store contract.
 */
class H2JdbcKvStoreTests extends AbstractKvStoreTests {

	private static JdbcKvStore store;

	@BeforeAll
	static void createStore() {
		DriverManagerDataSource dataSource = new DriverManagerDataSource(
				"jdbc:h2:mem:kv-tests;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=30000", "sa", "");
		store = new JdbcKvStore(dataSource);
		// Twice: the script is idempotent.
		ResourceDatabasePopulator schema = new ResourceDatabasePopulator(
				new ClassPathResource("dev/workerloader/kv/jdbc/schema-h2.sql"));
		schema.execute(dataSource);
		schema.execute(dataSource);
	}

	@Override
	protected KvStore store() {
		return store;
	}

}
