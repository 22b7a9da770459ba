-- Rate-limit buckets shared by all Worker Loader instances (worker-loader.rate-limits.store=jdbc).
CREATE TABLE IF NOT EXISTS worker_rate_limit (
	id VARCHAR(128) NOT NULL PRIMARY KEY,
	state BYTEA,
	expires_at BIGINT
);
CREATE INDEX IF NOT EXISTS worker_rate_limit_expires_at_idx ON worker_rate_limit (expires_at);
