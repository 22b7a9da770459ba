package dev.workerloader.autoconfigure.context;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.workerloader.Worker;
import dev.workerloader.WorkerAccessDeniedException;
import dev.workerloader.WorkerBinding;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import dev.workerloader.logging.GuestLogForwarder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The caller's context reaches the worker over real HTTP (issue 15): a
 * {@code @PreAuthorize} binding called by guest code on a sandbox thread sees the user of
 * the HTTP request, allows one user and refuses another; the worker and binding spans sit
 * below the HTTP server span in one trace (OpenTelemetry through Micrometer Tracing),
 * failures are marked as errors, and guest log lines carry the trace and span ids in
 * their MDC.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.tracing.sampling.probability=1.0",
				"worker-loader.policies.default.bindings=REPORTS" })
@AutoConfigureTracing
class CallerContextWebTests {

	static final InMemorySpanExporter spans = InMemorySpanExporter.create();

	@LocalServerPort
	private int port;

	private final ListAppender<ILoggingEvent> guestLines = new ListAppender<>();

	@BeforeEach
	void capture() {
		spans.reset();
		this.guestLines.start();
		((Logger) LoggerFactory.getLogger(GuestLogForwarder.LOGGER_NAME)).addAppender(this.guestLines);
	}

	@AfterEach
	void release() {
		((Logger) LoggerFactory.getLogger(GuestLogForwarder.LOGGER_NAME)).detachAppender(this.guestLines);
	}

	private ResponseEntity<String> get(String user, String path) {
		return RestClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.defaultStatusHandler(HttpStatusCode::isError, (req, res) -> {
			})
			.defaultHeaders((headers) -> headers.setBasicAuth(user, user + "-pass"))
			.build()
			.get()
			.uri(path)
			.retrieve()
			.toEntity(String.class);
	}

	@Test
	void preAuthorizeBindingAllowsTheAdminThroughAWorker() {
		ResponseEntity<String> response = get("alice", "/report");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).isEqualTo("revenue 42, read by alice");
	}

	@Test
	void preAuthorizeBindingRefusesAnotherUserWithATypedExceptionForTheCaller() {
		ResponseEntity<String> response = get("bob", "/report");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(response.getBody()).startsWith("denied: env.REPORTS.revenue was denied for the caller of worker")
			.doesNotContain("org.springframework", "Exception");
	}

	@Test
	void preAuthorizeRefusalReachesTheGuestAsAClearError() {
		ResponseEntity<String> response = get("bob", "/report-caught");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).startsWith("AccessDeniedError: env.REPORTS.revenue was denied for the caller");
		assertThat(get("alice", "/report-caught").getBody()).isEqualTo("revenue 42, read by alice");
	}

	@Test
	void workerAndBindingSpansAreBelowTheHttpServerSpan() {
		assertThat(get("alice", "/report").getStatusCode()).isEqualTo(HttpStatus.OK);
		SpanData server = awaitSpan((span) -> span.getKind() == SpanKind.SERVER);
		SpanData worker = awaitSpan((span) -> span.getName().equals("worker run"));
		SpanData binding = awaitSpan((span) -> span.getName().equals("binding REPORTS.revenue"));
		assertThat(server.getParentSpanContext().isValid()).isFalse();
		assertThat(List.of(worker.getTraceId(), binding.getTraceId())).containsOnly(server.getTraceId());
		assertThat(ancestors(worker)).contains(server.getSpanId());
		assertThat(binding.getParentSpanId()).isEqualTo(worker.getSpanId());
		assertThat(worker.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
		assertThat(binding.getAttributes().asMap().toString()).contains("REPORTS", "revenue")
			.doesNotContain("42", "alice");
	}

	@Test
	void deniedCallsAreErrorsInTheTrace() {
		assertThat(get("bob", "/report").getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
		SpanData worker = awaitSpan((span) -> span.getName().equals("worker run"));
		SpanData binding = awaitSpan((span) -> span.getName().equals("binding REPORTS.revenue"));
		assertThat(worker.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(binding.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(binding.getAttributes().asMap().toString()).contains("outcome=denied");
		assertThat(worker.getEvents().toString()).doesNotContain("was denied for the caller");
	}

	@Test
	void guestLogLinesCarryTheTraceAndSpanIdsOfTheWorkerSpan() {
		assertThat(get("alice", "/report").getStatusCode()).isEqualTo(HttpStatus.OK);
		SpanData worker = awaitSpan((span) -> span.getName().equals("worker run"));
		ILoggingEvent line = this.guestLines.list.stream()
			.filter((event) -> event.getFormattedMessage().contains("asking for the report"))
			.findFirst()
			.orElseThrow();
		assertThat(line.getMDCPropertyMap()).containsEntry("traceId", worker.getTraceId())
			.containsEntry("spanId", worker.getSpanId())
			.containsKey(GuestLogForwarder.MDC_WORKER_ID);
	}

	private static SpanData awaitSpan(java.util.function.Predicate<SpanData> matching) {
		return await().atMost(Duration.ofSeconds(10))
			.alias("a matching span among " + spans.getFinishedSpanItems().stream().map(SpanData::getName).toList())
			.until(() -> spans.getFinishedSpanItems().stream().filter(matching).findFirst(), Optional::isPresent)
			.orElseThrow();
	}

	private static List<String> ancestors(SpanData span) {
		Map<String, SpanData> byId = new java.util.HashMap<>();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> spans.getFinishedSpanItems().stream().anyMatch((s) -> s.getKind() == SpanKind.SERVER));
		spans.getFinishedSpanItems().forEach((s) -> byId.put(s.getSpanId(), s));
		List<String> result = new java.util.ArrayList<>();
		SpanData current = span;
		while (current != null && current.getParentSpanContext().isValid()) {
			result.add(current.getParentSpanId());
			current = byId.get(current.getParentSpanId());
		}
		return result;
	}

	/** What the guest may read. */
	public interface Reports {

		String revenue();

	}

	@Service
	@WorkerBinding(value = "REPORTS", exposedAs = Reports.class)
	static class ReportsService implements Reports {

		@Override
		@PreAuthorize("hasRole('ADMIN')")
		public String revenue() {
			return "revenue 42, read by " + SecurityContextHolder.getContext().getAuthentication().getName();
		}

	}

	@RestController
	static class ReportController {

		private static final String AGENT = """
				export default {
				  async run(p, env) {
				    console.log('asking for the report');
				    return env.REPORTS.revenue();
				  },
				  async caught(p, env) {
				    try { return env.REPORTS.revenue(); } catch (e) { return e.name + ': ' + e.message; }
				  }
				}
				""";

		private final WorkerLoader loader;

		ReportController(WorkerLoader loader) {
			this.loader = loader;
		}

		@GetMapping("/report")
		String report() {
			return call("run");
		}

		@GetMapping("/report-caught")
		String caught() {
			return call("caught");
		}

		private String call(String method) {
			try (Worker worker = this.loader
				.load(WorkerCode.builder().module("agent.js", AGENT).env("REPORTS").build())) {
				return String.valueOf(worker.getEntrypoint().call(method));
			}
		}

		@ExceptionHandler(WorkerAccessDeniedException.class)
		ResponseEntity<String> denied(WorkerAccessDeniedException ex) {
			return ResponseEntity.status(HttpStatus.FORBIDDEN).body("denied: " + ex.getGuestMessage());
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableMethodSecurity
	static class SecuredApplication {

		@Bean
		SecurityFilterChain security(HttpSecurity http) throws Exception {
			http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.csrf((csrf) -> csrf.disable());
			return http.build();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("alice").password("{noop}alice-pass").roles("ADMIN", "USER").build(),
					User.withUsername("bob").password("{noop}bob-pass").roles("USER").build());
		}

		@Bean
		SpanProcessor inMemorySpans() {
			return SimpleSpanProcessor.create(spans);
		}

		@Bean
		ReportsService reportsService() {
			return new ReportsService();
		}

		@Bean
		ReportController reportController(WorkerLoader loader) {
			return new ReportController(loader);
		}

	}

}
