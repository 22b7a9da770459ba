package dev.workerloader.ratelimit.jdbc;

import javax.sql.DataSource;

import dev.workerloader.TestPostgres;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link JdbcRateLimitStore} on a real PostgreSQL against the store contract; skipped
 * without {@code WORKERLOADER_TEST_PG_URL} (see {@link TestPostgres}).
 */
class PostgresJdbcRateLimitStoreTests extends AbstractJdbcRateLimitStoreTests {

	private static DataSource dataSource;

	@BeforeAll
	static void connect() {
		dataSource = TestPostgres.dataSource();
	}

	@Override
	protected DataSource dataSource() {
		return dataSource;
	}

	@Override
	protected String platform() {
		return "postgresql";
	}

}
