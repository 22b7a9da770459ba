package dev.workerloader.actuate.audit;

import javax.sql.DataSource;

import dev.workerloader.TestPostgres;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link JdbcAuditEventRepository} on a real PostgreSQL against the repository contract;
 * skipped without {@code WORKERLOADER_TEST_PG_URL} (see {@link TestPostgres}).
 */
class PostgresJdbcAuditEventRepositoryTests extends AbstractJdbcAuditEventRepositoryTests {

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
