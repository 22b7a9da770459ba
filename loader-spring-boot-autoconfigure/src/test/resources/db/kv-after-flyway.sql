-- Fails unless Flyway's V1__app.sql ran first.
INSERT INTO app_marker (name) VALUES ('kv-schema-ran-after-flyway');
CREATE TABLE IF NOT EXISTS worker_kv_namespace (ns VARCHAR(256) NOT NULL PRIMARY KEY, key_count BIGINT NOT NULL,
	byte_count BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS worker_kv (ns VARCHAR(256) NOT NULL, kv_key VARCHAR(4096) NOT NULL,
	kv_value VARCHAR(10485760) NOT NULL, kv_size BIGINT NOT NULL, PRIMARY KEY (ns, kv_key));
