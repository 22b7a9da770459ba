package dev.workerloader.actuate.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of {@link JdbcAuditEventRepository} on one database: events come back as
 * they were added, filtered like Boot's in-memory repository, oldest first, and a second
 * repository on the same database (another instance) sees them.
 */
abstract class AbstractJdbcAuditEventRepositoryTests {

	private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

	protected abstract DataSource dataSource();

	protected abstract String platform();

	@BeforeEach
	void emptyTable() {
		ResourceDatabasePopulator populator = new ResourceDatabasePopulator(
				new ClassPathResource("dev/workerloader/actuate/audit/schema-" + platform() + ".sql"));
		populator.execute(dataSource());
		populator.execute(dataSource());
		JdbcClient.create(dataSource()).sql("DELETE FROM worker_audit_event").update();
	}

	@Test
	void eventsComeBackAsTheyWereAdded() {
		JdbcAuditEventRepository repository = new JdbcAuditEventRepository(dataSource());
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("workerId", "invoice-render");
		data.put("codeSha256", "ab12");
		data.put("outcome", "success");
		data.put("cpuMs", 1.5);
		repository.add(new AuditEvent(T0, "alice", AuditWorkerListener.INVOCATION, data));
		assertThat(repository.find(null, null, null)).singleElement().satisfies((event) -> {
			assertThat(event.getTimestamp()).isEqualTo(T0);
			assertThat(event.getPrincipal()).isEqualTo("alice");
			assertThat(event.getType()).isEqualTo(AuditWorkerListener.INVOCATION);
			assertThat(event.getData()).containsExactlyEntriesOf(data);
		});
	}

	@Test
	void findFiltersByPrincipalTimeAndTypeOldestFirst() {
		JdbcAuditEventRepository repository = new JdbcAuditEventRepository(dataSource());
		repository.add(new AuditEvent(T0, "alice", AuditWorkerListener.LOAD, Map.of()));
		repository.add(new AuditEvent(T0.plusSeconds(1), "bob", AuditWorkerListener.LOAD, Map.of()));
		repository.add(new AuditEvent(T0.plusSeconds(2), "alice", AuditWorkerListener.INVOCATION, Map.of()));
		repository.add(new AuditEvent(T0.plusSeconds(3), "alice", AuditWorkerListener.LOAD, Map.of()));
		assertThat(repository.find("alice", null, null)).extracting(AuditEvent::getTimestamp)
			.containsExactly(T0, T0.plusSeconds(2), T0.plusSeconds(3));
		assertThat(repository.find("alice", T0, null)).extracting(AuditEvent::getTimestamp)
			.containsExactly(T0.plusSeconds(2), T0.plusSeconds(3));
		assertThat(repository.find(null, null, AuditWorkerListener.LOAD)).extracting(AuditEvent::getPrincipal)
			.containsExactly("alice", "bob", "alice");
		assertThat(repository.find("alice", T0.plusSeconds(2), AuditWorkerListener.LOAD)).hasSize(1);
	}

	@Test
	void anotherInstanceSeesTheEvents() {
		new JdbcAuditEventRepository(dataSource()).add(new AuditEvent(T0, "alice", "WORKER_LOAD", Map.of("k", "v")));
		assertThat(new JdbcAuditEventRepository(dataSource()).find("alice", null, null)).singleElement()
			.satisfies((event) -> assertThat(event.getData()).containsEntry("k", "v"));
	}

	@Test
	void valuesThatAreNotJsonAreStoredAsText() {
		JdbcAuditEventRepository repository = new JdbcAuditEventRepository(dataSource());
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("details", new Object() {

			@Override
			public String toString() {
				return "remoteAddress=127.0.0.1";
			}

		});
		data.put("roles", List.of("USER", 7));
		repository.add(new AuditEvent(T0, "alice", "AUTHENTICATION_SUCCESS", data));
		assertThat(repository.find(null, null, null)).singleElement().satisfies((event) -> {
			assertThat(event.getData()).containsEntry("details", "remoteAddress=127.0.0.1");
			assertThat(event.getData()).containsEntry("roles", List.of("USER", 7));
		});
	}

	@Test
	void findAnswersTheNewestEventsOnly() {
		JdbcAuditEventRepository repository = new JdbcAuditEventRepository(dataSource());
		int count = JdbcAuditEventRepository.MAX_RESULTS + 5;
		for (int i = 0; i < count; i++) {
			repository.add(new AuditEvent(T0.plus(i, ChronoUnit.MILLIS), "alice", "WORKER_LOAD", Map.of()));
		}
		List<AuditEvent> events = repository.find(null, null, null);
		assertThat(events).hasSize(JdbcAuditEventRepository.MAX_RESULTS);
		assertThat(events.get(0).getTimestamp()).isEqualTo(T0.plus(5, ChronoUnit.MILLIS));
		assertThat(events.get(events.size() - 1).getTimestamp()).isEqualTo(T0.plus(count - 1, ChronoUnit.MILLIS));
	}

	@Test
	void overlongPrincipalsAreCut() {
		JdbcAuditEventRepository repository = new JdbcAuditEventRepository(dataSource());
		repository.add(new AuditEvent(T0, "p".repeat(1000), "WORKER_LOAD", Map.of()));
		assertThat(repository.find(null, null, null)).singleElement()
			.satisfies((event) -> assertThat(event.getPrincipal()).hasSize(JdbcAuditEventRepository.MAX_PRINCIPAL));
	}

}
