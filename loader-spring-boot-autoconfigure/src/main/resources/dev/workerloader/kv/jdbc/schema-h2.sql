-- Worker Loader JDBC KV store, H2. Idempotent: run by worker-loader.kv.jdbc.initialize-schema,
-- or copy it into a Flyway or Liquibase migration and set worker-loader.kv.jdbc.initialize-schema=never.
CREATE TABLE IF NOT EXISTS worker_kv_namespace (
	ns VARCHAR(256) NOT NULL PRIMARY KEY,
	key_count BIGINT NOT NULL,
	byte_count BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS worker_kv (
	ns VARCHAR(256) NOT NULL,
	kv_key VARCHAR(4096) NOT NULL,
	kv_value VARCHAR(10485760) NOT NULL,
	kv_size BIGINT NOT NULL,
	PRIMARY KEY (ns, kv_key)
);
