package dev.workerloader.logging;

import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.sandbox.GraalWorkerLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guest console output reaches {@code dev.workerloader.guest} with the worker id in the
 * MDC, on one line per entry, so a guest cannot forge host log lines.
 */
class GuestLogForwarderTests {

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final Logger logger = (Logger) LoggerFactory.getLogger(GuestLogForwarder.LOGGER_NAME);

	@BeforeEach
	void attach() {
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	@AfterEach
	void detach() {
		this.logger.detachAppender(this.appender);
	}

	@Test
	void forwardsGuestOutputWithTheWorkerIdInTheMdcAndEscapesForgedLines() {
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().listener(new GuestLogForwarder()).build();
				Worker worker = loader.load(WorkerCode.builder()
					.name("chatty")
					.module("agent.js", "export default { run() { console.log('hello'); "
							+ "console.error('oops\\n2026-11-24 INFO [main] o.s.Security -- admin logged in\\r\\u001b[31m');"
							+ " console.debug('quiet'); } }")
					.build())) {
			worker.getEntrypoint().call("run");
		}
		List<ILoggingEvent> events = this.appender.list;
		assertThat(events).extracting(ILoggingEvent::getFormattedMessage)
			.contains("[chatty] hello",
					"[chatty] oops\\n2026-11-24 INFO [main] o.s.Security -- admin logged in\\r\\u001b[31m");
		assertThat(events).allSatisfy((event) -> {
			assertThat(event.getFormattedMessage()).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u001b");
			assertThat(event.getMDCPropertyMap())
				.containsAllEntriesOf(Map.of("workerId", "chatty", "workerPolicy", "default"));
		});
		assertThat(events).filteredOn((event) -> event.getFormattedMessage().contains("oops"))
			.singleElement()
			.satisfies((event) -> assertThat(event.getLevel().toString()).isEqualTo("WARN"));
	}

	@Test
	void escapesControlCharactersAndLineSeparators() {
		assertThat(GuestLogForwarder.escape("a\nb\rc\td\u2028e\u0000f\\g"))
			.isEqualTo("a\\nb\\rc\\td\\u2028e\\u0000f\\\\g");
		assertThat(GuestLogForwarder.escape("plain text")).isEqualTo("plain text");
	}

}
