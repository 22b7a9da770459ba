package dev.workerloader.actuate.audit;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@link JdbcAuditEventRepository} on embedded H2 against the repository contract.
 */
class H2JdbcAuditEventRepositoryTests extends AbstractJdbcAuditEventRepositoryTests {

	private static final DataSource dataSource = new DriverManagerDataSource(
			"jdbc:h2:mem:audit-tests;DB_CLOSE_DELAY=-1", "sa", "");

	@Override
	protected DataSource dataSource() {
		return dataSource;
	}

	@Override
	protected String platform() {
		return "h2";
	}

}
