package dev.workerloader.actuate.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An {@link AuditEventRepository} in a relational database, so the audit trail survives
 * restarts and every application instance on the same database sees the events of all:
 * the Worker Loader's events (what {@link AuditWorkerListener} records: ids, hashes,
 * policy, outcome and durations, never source or secrets) and, as the application's
 * repository, those of Spring Security and the {@code auditevents} endpoint.
 * <p>
 * Append-only: events are inserted into {@value #TABLE} (scripts
 * {@code schema-postgresql.sql} and {@code schema-h2.sql} beside this class) and never
 * updated or deleted here; retention is the database operator's (for instance a scheduled
 * {@code DELETE} by date, or partitions). Event data is stored as JSON; values that are
 * not strings, numbers, booleans, lists or maps are stored as their {@code toString()}.
 * {@link #find} answers the newest {@value #MAX_RESULTS} matching events, oldest first.
 * Tested on H2 and PostgreSQL. Thread-safe.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class JdbcAuditEventRepository implements AuditEventRepository {

	/**
	 * The table of the events.
	 */
	public static final String TABLE = "worker_audit_event";

	/**
	 * The most events {@link #find} returns.
	 */
	public static final int MAX_RESULTS = 1000;

	/**
	 * The longest principal stored; longer ones are cut.
	 */
	static final int MAX_PRINCIPAL = 256;

	private static final TypeReference<LinkedHashMap<String, Object>> DATA = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final JsonMapper json = JsonMapper.builder().build();

	/**
	 * Creates a repository on a data source whose {@value #TABLE} table exists.
	 * @param dataSource the data source
	 */
	public JdbcAuditEventRepository(DataSource dataSource) {
		Objects.requireNonNull(dataSource, "'dataSource' must not be null");
		this.jdbc = JdbcClient.create(dataSource);
	}

	@Override
	public void add(AuditEvent event) {
		Objects.requireNonNull(event, "'event' must not be null");
		String principal = event.getPrincipal();
		if (principal.length() > MAX_PRINCIPAL) {
			principal = principal.substring(0, MAX_PRINCIPAL);
		}
		this.jdbc
			.sql("INSERT INTO " + TABLE + " (event_timestamp, principal, event_type, event_data) VALUES (?, ?, ?, ?)")
			.params(OffsetDateTime.ofInstant(event.getTimestamp(), ZoneOffset.UTC), principal, event.getType(),
					this.json.writeValueAsString(plain(event.getData())))
			.update();
	}

	@Override
	public List<AuditEvent> find(@Nullable String principal, @Nullable Instant after, @Nullable String type) {
		StringBuilder sql = new StringBuilder(
				"SELECT event_timestamp, principal, event_type, event_data FROM " + TABLE + " WHERE 1 = 1");
		List<Object> params = new ArrayList<>();
		if (principal != null) {
			sql.append(" AND principal = ?");
			params.add(principal);
		}
		if (after != null) {
			sql.append(" AND event_timestamp > ?");
			params.add(OffsetDateTime.ofInstant(after, ZoneOffset.UTC));
		}
		if (type != null) {
			sql.append(" AND event_type = ?");
			params.add(type);
		}
		sql.append(" ORDER BY event_timestamp DESC, id DESC LIMIT ").append(MAX_RESULTS);
		List<AuditEvent> events = new ArrayList<>(this.jdbc.sql(sql.toString())
			.params(params)
			.query((rs, row) -> new AuditEvent(rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getString(2),
					rs.getString(3), this.json.readValue(rs.getString(4), DATA)))
			.list());
		Collections.reverse(events);
		return events;
	}

	private static Map<String, @Nullable Object> plain(Map<String, Object> data) {
		Map<String, @Nullable Object> result = new LinkedHashMap<>();
		data.forEach((key, value) -> result.put(key, plainValue(value)));
		return result;
	}

	@SuppressWarnings("unchecked")
	private static @Nullable Object plainValue(@Nullable Object value) {
		if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
			return value;
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, @Nullable Object> result = new LinkedHashMap<>();
			map.forEach((key, item) -> result.put(String.valueOf(key), plainValue(item)));
			return result;
		}
		if (value instanceof Collection<?> collection) {
			List<@Nullable Object> result = new ArrayList<>();
			collection.forEach((item) -> result.add(plainValue(item)));
			return result;
		}
		return String.valueOf(value);
	}

}
