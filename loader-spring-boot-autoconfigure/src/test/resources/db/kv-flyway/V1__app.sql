-- An application table that a custom KV schema script below depends on: the script only works after Flyway.
CREATE TABLE app_marker (name VARCHAR(64) NOT NULL);
