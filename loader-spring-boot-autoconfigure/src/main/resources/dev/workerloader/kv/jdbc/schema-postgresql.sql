-- Worker Loader JDBC KV store, PostgreSQL. Idempotent: run by worker-loader.kv.jdbc.initialize-schema,
-- or copy it into a Flyway or Liquibase migration and set worker-loader.kv.jdbc.initialize-schema=never.
CREATE TABLE IF NOT EXISTS worker_kv_namespace (
	ns VARCHAR(256) NOT NULL PRIMARY KEY,
	key_count BIGINT NOT NULL,
	byte_count BIGINT NOT NULL
);

-- (ns, kv_key) is a btree index: PostgreSQL refuses index rows over 2704 bytes, so JdbcKvStore refuses
-- namespaces and keys over 2687 bytes together before they get here.
CREATE TABLE IF NOT EXISTS worker_kv (
	ns VARCHAR(256) NOT NULL,
	kv_key VARCHAR(4096) NOT NULL,
	kv_value TEXT NOT NULL,
	kv_size BIGINT NOT NULL,
	PRIMARY KEY (ns, kv_key)
);
