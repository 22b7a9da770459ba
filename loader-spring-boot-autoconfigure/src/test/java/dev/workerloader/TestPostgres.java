package dev.workerloader;

import java.util.Locale;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The PostgreSQL of the tests: {@code .ci/run} starts a throwaway cluster on loopback and
 * sets {@code WORKERLOADER_TEST_PG_URL}, {@code WORKERLOADER_TEST_PG_USER} and
 * {@code WORKERLOADER_TEST_PG_PASSWORD} (or the system properties of the same names in
 * lower case with dots); without them the tests that need it are skipped.
 */
public final class TestPostgres {

	private TestPostgres() {
	}

	/**
	 * Skips the calling test unless a PostgreSQL is configured.
	 * @return the JDBC URL
	 */
	public static String url() {
		String url = setting("WORKERLOADER_TEST_PG_URL");
		Assumptions.assumeTrue(url != null && !url.isBlank(),
				"PostgreSQL tests skipped: WORKERLOADER_TEST_PG_URL is not set. .ci/run starts a PostgreSQL on"
						+ " loopback and sets it; to run them by hand, export WORKERLOADER_TEST_PG_URL="
						+ "jdbc:postgresql://127.0.0.1:<port>/<db> (and _USER, _PASSWORD).");
		return url;
	}

	/**
	 * Returns the user name.
	 * @return the user
	 */
	public static String user() {
		String user = setting("WORKERLOADER_TEST_PG_USER");
		return (user != null) ? user : "postgres";
	}

	/**
	 * Returns the password.
	 * @return the password, possibly empty
	 */
	public static String password() {
		String password = setting("WORKERLOADER_TEST_PG_PASSWORD");
		return (password != null) ? password : "";
	}

	/**
	 * Skips the calling test unless a PostgreSQL is configured, and connects to it.
	 * @return a data source opening a connection per use
	 */
	public static DataSource dataSource() {
		return new DriverManagerDataSource(url(), user(), password());
	}

	private static @Nullable String setting(String name) {
		String property = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
		return (property != null) ? property : System.getenv(name);
	}

}
