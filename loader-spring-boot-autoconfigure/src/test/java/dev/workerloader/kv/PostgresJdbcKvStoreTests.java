package dev.workerloader.kv;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import dev.workerloader.kv.jdbc.JdbcKvStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link JdbcKvStore} on a real PostgreSQL against the store contract. {@code .ci/run}
 * starts a throwaway cluster on loopback and sets {@code WORKERLOADER_TEST_PG_URL},
 * {@code WORKERLOADER_TEST_PG_USER} and {@code WORKERLOADER_TEST_PG_PASSWORD} (or the
 * system properties of the same names in lower case with dots); without them these tests
 * are skipped.
 */
class PostgresJdbcKvStoreTests extends AbstractKvStoreTests {

	private static JdbcKvStore store;

	private static DriverManagerDataSource dataSource;

	@BeforeAll
	static void createStore() {
		String url = setting("WORKERLOADER_TEST_PG_URL");
		Assumptions.assumeTrue(url != null && !url.isBlank(),
				"PostgreSQL tests skipped: WORKERLOADER_TEST_PG_URL is not set. .ci/run starts a PostgreSQL on"
						+ " loopback and sets it; to run them by hand, export WORKERLOADER_TEST_PG_URL="
						+ "jdbc:postgresql://127.0.0.1:<port>/<db> (and _USER, _PASSWORD).");
		String user = setting("WORKERLOADER_TEST_PG_USER");
		String password = setting("WORKERLOADER_TEST_PG_PASSWORD");
		dataSource = new DriverManagerDataSource(url, (user != null) ? user : "postgres",
				(password != null) ? password : "");
		store = new JdbcKvStore(dataSource);
		// Twice: the script is idempotent.
		ResourceDatabasePopulator schema = new ResourceDatabasePopulator(
				new ClassPathResource("dev/workerloader/kv/jdbc/schema-postgresql.sql"));
		schema.execute(dataSource);
		schema.execute(dataSource);
	}

	static String setting(String name) {
		String property = System.getProperty(name.toLowerCase(java.util.Locale.ROOT).replace('_', '.'));
		return (property != null) ? property : System.getenv(name);
	}

	@Override
	protected KvStore store() {
		return store;
	}

	/**
	 * Incompressible text (hex of SHA-256 chains): PostgreSQL compresses index rows, so
	 * repetitive keys would pass where real ones fail.
	 */
	private static String incompressible(int length, String seed) throws Exception {
		MessageDigest digest = MessageDigest.getInstance("SHA-256");
		StringBuilder text = new StringBuilder();
		byte[] block = seed.getBytes(StandardCharsets.UTF_8);
		while (text.length() < length) {
			block = digest.digest(block);
			text.append(HexFormat.of().formatHex(block));
		}
		return text.substring(0, length);
	}

	@Test
	void namespaceAndKeyUpToTheMeasuredIndexLimitAreStoredAndLongerOnesRefused() throws Exception {
		KvLimits limits = new KvLimits(4096, 1024, 100, 1_000_000, 10);
		for (int namespaceSize : new int[] { 8, 100, JdbcKvStore.MAX_NAMESPACE_SIZE }) {
			String namespace = incompressible(namespaceSize, "ns" + namespaceSize + System.nanoTime());
			String key = incompressible(JdbcKvStore.MAX_INDEXED_BYTES - namespaceSize, "key" + namespaceSize);
			store.apply(namespace, List.of(KvOp.put(key, "v")), limits);
			assertThat(store.get(namespace, key)).isEqualTo("v");
			String tooLong = key + "x";
			assertThatExceptionOfType(KvLimitExceededException.class)
				.isThrownBy(() -> store.apply(namespace, List.of(KvOp.put(tooLong, "v")), limits))
				.withMessageContaining("namespace '" + namespace + "'")
				.withMessageContaining(JdbcKvStore.MAX_INDEXED_BYTES + " bytes of namespace and key")
				.withMessageContaining("worker-loader.kv.max-key-size");
			assertThat(store.get(namespace, tooLong)).isNull();
		}
	}

	@Test
	void postgresRefusesIndexRowsOverItsBtreeLimitWhichIsWhyTheStoreChecksFirst() throws Exception {
		String namespace = "worker:btree-" + System.nanoTime();
		String key = incompressible(2720 - namespace.length(), "direct");
		JdbcClient jdbc = JdbcClient.create(dataSource);
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> jdbc.sql("INSERT INTO worker_kv (ns, kv_key, kv_value, kv_size) VALUES (?, ?, 'v', 1)")
				.params(namespace, key)
				.update())
			.withMessageContaining("index row size");
	}

}
