package dev.workerloader.actuate.audit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import dev.workerloader.WorkerListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.listener.AuditApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Turns every worker load and invocation outcome into an {@link AuditEvent}: type
 * ({@value #LOAD} or {@value #INVOCATION}), principal (the client id, which the loader
 * resolves to the authenticated principal when the code names none, else
 * {@code anonymous}), worker id, SHA-256 of the code, policy, outcome, quota kind and
 * durations. Published as an {@link AuditApplicationEvent}: Boot's {@code AuditListener}
 * stores it in the {@link org.springframework.boot.actuate.audit.AuditEventRepository
 * AuditEventRepository} when the application defines one (issue 14). Also written as a
 * structured line to the {@code dev.workerloader.audit} logger at DEBUG level, never at
 * INFO: a load or a call is not news. Never carries source or secrets.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class AuditWorkerListener implements WorkerListener {

	/**
	 * The type of the audit event of a load.
	 */
	public static final String LOAD = "WORKER_LOAD";

	/**
	 * The type of the audit event of an invocation.
	 */
	public static final String INVOCATION = "WORKER_INVOCATION";

	private static final Log auditLog = LogFactory.getLog("dev.workerloader.audit");

	private final ApplicationEventPublisher publisher;

	/**
	 * Creates a listener.
	 * @param publisher where the {@link AuditApplicationEvent}s go, usually the
	 * application context
	 */
	public AuditWorkerListener(ApplicationEventPublisher publisher) {
		this.publisher = Objects.requireNonNull(publisher, "'publisher' must not be null");
	}

	@Override
	public void loaded(LoadEvent event) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("workerId", event.workerId());
		data.put("codeSha256", event.codeSha256());
		data.put("policy", event.policy());
		data.put("outcome", event.outcome());
		if (event.quota() != null) {
			data.put("quota", event.quota().name());
		}
		data.put("durationMs", event.duration().toNanos() / 1e6);
		publish(principal(event.clientId()), LOAD, data);
	}

	@Override
	public InvocationScope invocationStarted(InvocationStart start) {
		String principal = principal(start.clientId());
		return (end) -> {
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("workerId", start.workerId());
			data.put("codeSha256", start.codeSha256());
			data.put("policy", start.policy());
			data.put("entrypoint", start.entrypoint());
			data.put("outcome", end.outcome());
			if (end.quota() != null) {
				data.put("quota", end.quota().name());
			}
			if (end.errorName() != null) {
				data.put("error", end.errorName());
			}
			data.put("cpuMs", end.cpuTime().toNanos() / 1e6);
			data.put("wallMs", end.wallTime().toNanos() / 1e6);
			publish(principal, INVOCATION, data);
		};
	}

	private static String principal(@Nullable String clientId) {
		return (clientId != null) ? clientId : "anonymous";
	}

	private void publish(String principal, String type, Map<String, Object> data) {
		AuditEvent event = new AuditEvent(principal, type, data);
		this.publisher.publishEvent(new AuditApplicationEvent(event));
		if (auditLog.isDebugEnabled()) {
			StringBuilder line = new StringBuilder("type=").append(type).append(" principal=").append(quote(principal));
			data.forEach((key, value) -> line.append(' ').append(key).append('=').append(quote(String.valueOf(value))));
			auditLog.debug(line);
		}
	}

	private static String quote(String value) {
		return GuestText.needsQuoting(value) ? '"' + GuestText.escape(value).replace("\"", "\\\"") + '"' : value;
	}

}
