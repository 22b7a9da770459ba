package dev.workerloader.kv;

import dev.workerloader.kv.jdbc.JdbcKvStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@link JdbcKvStore} on a real PostgreSQL against the store contract. {@code .ci/run}
 * starts a throwaway cluster on loopback and sets {@code WORKERLOADER_TEST_PG_URL},
 * {@code WORKERLOADER_TEST_PG_USER} and {@code WORKERLOADER_TEST_PG_PASSWORD} (or the
 * system properties of the same names in lower case with dots); without them these tests
 * are skipped.
 */
class PostgresJdbcKvStoreTests extends AbstractKvStoreTests {

	private static JdbcKvStore store;

	@BeforeAll
	static void createStore() {
		String url = setting("WORKERLOADER_TEST_PG_URL");
		Assumptions.assumeTrue(url != null && !url.isBlank(),
				"PostgreSQL tests skipped: WORKERLOADER_TEST_PG_URL is not set. .ci/run starts a PostgreSQL on"
						+ " loopback and sets it; to run them by hand, export WORKERLOADER_TEST_PG_URL="
						+ "jdbc:postgresql://127.0.0.1:<port>/<db> (and _USER, _PASSWORD).");
		String user = setting("WORKERLOADER_TEST_PG_USER");
		String password = setting("WORKERLOADER_TEST_PG_PASSWORD");
		DriverManagerDataSource dataSource = new DriverManagerDataSource(url, (user != null) ? user : "postgres",
				(password != null) ? password : "");
		store = new JdbcKvStore(dataSource);
		store.createSchema();
		store.createSchema();
	}

	static String setting(String name) {
		String property = System.getProperty(name.toLowerCase(java.util.Locale.ROOT).replace('_', '.'));
		return (property != null) ? property : System.getenv(name);
	}

	@Override
	protected KvStore store() {
		return store;
	}

}
