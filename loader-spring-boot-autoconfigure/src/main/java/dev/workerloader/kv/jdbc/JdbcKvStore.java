package dev.workerloader.kv.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import dev.workerloader.kv.InMemoryKvStore;
import dev.workerloader.kv.KvLimitExceededException;
import dev.workerloader.kv.KvLimits;
import dev.workerloader.kv.KvOp;
import dev.workerloader.kv.KvStore;
import dev.workerloader.kv.KvTotals;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A {@link KvStore} in a relational database through Spring's {@link JdbcClient}: what
 * lets several application instances share KV data. Tested on H2 and PostgreSQL.
 * <p>
 * Two tables (see {@link #SCHEMA_LOCATION}): {@code worker_kv} holds the entries,
 * {@code worker_kv_namespace} one row per namespace with its key count and byte total.
 * Every write locks the namespace row ({@code SELECT ... FOR UPDATE}) in a transaction,
 * so the totals stay exact across instances and a batch is all-or-nothing. Thread-safe.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class JdbcKvStore implements KvStore {

	/**
	 * Bytes of namespace and key (UTF-8) together that the primary-key index of
	 * {@code worker_kv} holds on every database: PostgreSQL's btree refuses index rows
	 * over 2704 bytes, which incompressible text of 2688 to 2690 bytes of namespace and
	 * key reaches (measured on PostgreSQL 15, 8 KB pages, namespaces of 1 to 256 bytes).
	 * Longer keys are refused before they reach the database.
	 */
	public static final int MAX_INDEXED_BYTES = 2687;

	/**
	 * The longest namespace, in bytes: {@code worker:} and a worker id, or an explicit
	 * namespace.
	 */
	public static final int MAX_NAMESPACE_SIZE = 256;

	/**
	 * The largest {@code worker-loader.kv.max-key-size} the store accepts, in bytes:
	 * {@link #MAX_INDEXED_BYTES} less a namespace of {@link #MAX_NAMESPACE_SIZE}.
	 */
	public static final int MAX_KEY_SIZE = MAX_INDEXED_BYTES - MAX_NAMESPACE_SIZE;

	/**
	 * Where the schema scripts are: {@code schema-postgresql.sql}, {@code schema-h2.sql}.
	 */
	public static final String SCHEMA_LOCATION = "classpath:dev/workerloader/kv/jdbc/schema-@@platform@@.sql";

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	/**
	 * Creates a store on a data source.
	 * @param dataSource the data source
	 */
	public JdbcKvStore(DataSource dataSource) {
		Objects.requireNonNull(dataSource, "'dataSource' must not be null");
		this.jdbc = JdbcClient.create(dataSource);
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
	}

	@Override
	public @Nullable String get(String namespace, String key) {
		return this.jdbc.sql("SELECT kv_value FROM worker_kv WHERE ns = ? AND kv_key = ?")
			.params(namespace, key)
			.query(String.class)
			.optional()
			.orElse(null);
	}

	@Override
	public List<String> list(String namespace, String prefix) {
		List<String> keys = new ArrayList<>(
				this.jdbc.sql("SELECT kv_key FROM worker_kv WHERE ns = ? AND kv_key LIKE ? ESCAPE '!'")
					.params(namespace, escapeLike(prefix) + "%")
					.query(String.class)
					.list());
		// Sorted here: database collations order keys differently, Java's order is
		// binary.
		keys.sort(null);
		return keys;
	}

	@Override
	public void apply(String namespace, List<KvOp> ops, KvLimits limits) {
		for (KvOp op : ops) {
			checkIndexable(namespace, op.key());
		}
		ensureNamespace(namespace);
		this.transactions.executeWithoutResult((status) -> {
			List<Long> totals = this.jdbc
				.sql("SELECT key_count, byte_count FROM worker_kv_namespace WHERE ns = ? FOR UPDATE")
				.param(namespace)
				.query((rs, row) -> List.of(rs.getLong(1), rs.getLong(2)))
				.single();
			long keys = totals.get(0);
			long bytes = totals.get(1);
			for (KvOp op : ops) {
				Long previous = this.jdbc.sql("SELECT kv_size FROM worker_kv WHERE ns = ? AND kv_key = ?")
					.params(namespace, op.key())
					.query(Long.class)
					.optional()
					.orElse(null);
				if (op.isPut()) {
					long size = KvTotals.size(op.key(), op.value());
					if (previous != null) {
						this.jdbc.sql("UPDATE worker_kv SET kv_value = ?, kv_size = ? WHERE ns = ? AND kv_key = ?")
							.params(op.value(), size, namespace, op.key())
							.update();
						bytes += size - previous;
					}
					else {
						this.jdbc.sql("INSERT INTO worker_kv (ns, kv_key, kv_value, kv_size) VALUES (?, ?, ?, ?)")
							.params(namespace, op.key(), op.value(), size)
							.update();
						bytes += size;
						keys++;
					}
				}
				else if (previous != null) {
					this.jdbc.sql("DELETE FROM worker_kv WHERE ns = ? AND kv_key = ?")
						.params(namespace, op.key())
						.update();
					bytes -= previous;
					keys--;
				}
			}
			// Throwing rolls the whole transaction back: the batch is all-or-nothing.
			KvTotals.check(namespace, keys, bytes, limits);
			this.jdbc.sql("UPDATE worker_kv_namespace SET key_count = ?, byte_count = ? WHERE ns = ?")
				.params(keys, bytes, namespace)
				.update();
		});
	}

	/**
	 * Creates the namespace row on first use, in its own transaction: on PostgreSQL a
	 * failed insert would abort the transaction that does the writes.
	 */
	private void ensureNamespace(String namespace) {
		Integer existing = this.jdbc.sql("SELECT COUNT(*) FROM worker_kv_namespace WHERE ns = ?")
			.param(namespace)
			.query(Integer.class)
			.single();
		if (existing != null && existing > 0) {
			return;
		}
		try {
			this.jdbc.sql("INSERT INTO worker_kv_namespace (ns, key_count, byte_count) VALUES (?, 0, 0)")
				.param(namespace)
				.update();
		}
		catch (DuplicateKeyException ex) {
			// Another instance created it first.
		}
	}

	private static void checkIndexable(String namespace, String key) {
		int namespaceSize = namespace.getBytes(StandardCharsets.UTF_8).length;
		int keySize = key.getBytes(StandardCharsets.UTF_8).length;
		if (namespaceSize + keySize > MAX_INDEXED_BYTES) {
			throw new KvLimitExceededException("KV key of " + keySize + " bytes in namespace '" + namespace
					+ "' cannot be stored by the JDBC KV store: the database indexes at most " + MAX_INDEXED_BYTES
					+ " bytes of namespace and key together (PostgreSQL's btree limit), and this one has "
					+ (namespaceSize + keySize) + ". Use a shorter key or namespace; worker-loader.kv.max-key-size"
					+ " keeps keys shorter.");
		}
	}

	private static String escapeLike(String prefix) {
		return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_");
	}

}
