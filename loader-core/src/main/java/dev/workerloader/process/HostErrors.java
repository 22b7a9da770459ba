package dev.workerloader.process;

import java.util.ArrayList;
import java.util.List;

import dev.workerloader.LogEntry;
import dev.workerloader.QuotaKind;
import dev.workerloader.WorkerAccessDeniedException;
import dev.workerloader.WorkerClosedException;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerLoadException;
import dev.workerloader.WorkerPolicyException;
import dev.workerloader.WorkerQuotaExceededException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Carries the typed failures of a worker across the channel: the host encodes a
 * {@link WorkerException} as an {@code error} frame, the application throws the same type
 * again. Only what the exception already shows the caller crosses: messages that the
 * host's sandbox wrote (guest stack frames only, secrets redacted), never a host stack
 * trace.
 *
 * @author Worker Loader team
 */
final class HostErrors {

	private HostErrors() {
	}

	static ObjectNode toFrame(HostChannel channel, RuntimeException ex) {
		ObjectNode frame = channel.frame("error");
		if (ex instanceof WorkerException worker) {
			frame.put("name", worker.getName())
				.put("message", String.valueOf(worker.getMessage()))
				.put("guestMessage", worker.getGuestMessage())
				.put("guestStack", worker.getGuestStack());
			if (worker instanceof WorkerQuotaExceededException quota) {
				frame.put("kind", "quota")
					.put("quota", quota.kind().name())
					.put("limit", quota.limit())
					.put("used", quota.used())
					// The host's heap guard, not the policy's budget: the knob is the
					// host heap.
					.put("heapGuard", String.valueOf(quota.getMessage()).contains("heap-guard-threshold"));
			}
			else if (worker instanceof WorkerLoadException load) {
				frame.put("kind", "load").put("line", load.getLine()).put("column", load.getColumn());
				if (load.getModule() != null) {
					frame.put("module", load.getModule());
				}
			}
			else if (worker instanceof WorkerPolicyException policy) {
				frame.put("kind", "policy").put("policy", policy.getPolicy());
			}
			else if (worker instanceof WorkerAccessDeniedException) {
				frame.put("kind", "denied");
			}
			else if (worker instanceof WorkerClosedException) {
				frame.put("kind", "closed");
			}
			else {
				frame.put("kind", "script");
			}
			var logs = frame.putArray("logs");
			for (LogEntry entry : worker.getLogs()) {
				logs.addObject().put("l", entry.level()).put("m", entry.message());
			}
		}
		else if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException) {
			// Argument checks of the API (an unknown entrypoint, a bad module name): our
			// own messages, meant for the caller.
			frame.put("kind", "illegal").put("message", String.valueOf(ex.getMessage()));
		}
		else {
			frame.put("kind", "host").put("message", "The worker host could not run the request");
		}
		return frame;
	}

	static RuntimeException fromFrame(JsonNode frame, String workerId, String policy) {
		String kind = frame.path("kind").asString();
		String message = frame.path("message").asString();
		String name = frame.path("name").asString();
		WorkerException exception = switch (kind) {
			case "quota" -> {
				QuotaKind quota = QuotaKind.valueOf(frame.path("quota").asString());
				yield new WorkerQuotaExceededException(workerId, policy, quota, frame.path("limit").asLong(),
						frame.path("used").asLong(), frame.path("heapGuard").asBoolean()
								? "worker-loader.policies." + policy + ".process.max-heap" : property(policy, quota));
			}
			case "load" -> new WorkerLoadException(workerId, name, message,
					frame.hasNonNull("module") ? frame.path("module").asString() : null, frame.path("line").asInt(-1),
					frame.path("column").asInt(-1));
			case "policy" -> new WorkerPolicyException(workerId, frame.path("policy").asString(policy), message);
			case "denied" -> new WorkerAccessDeniedException(workerId, frame.path("guestMessage").asString(),
					frame.path("guestStack").asString());
			case "closed" -> new WorkerClosedException(workerId, message);
			case "script" -> new WorkerException(workerId, name, frame.path("guestMessage").asString(),
					frame.path("guestStack").asString());
			case "illegal" -> null;
			default -> new WorkerClosedException(workerId,
					"Worker '" + workerId + "' failed in its worker host; details are in the host's own output");
		};
		if (exception == null) {
			return new IllegalArgumentException(message);
		}
		List<LogEntry> logs = new ArrayList<>();
		for (JsonNode entry : frame.path("logs")) {
			logs.add(new LogEntry(entry.path("l").asString(), entry.path("m").asString()));
		}
		return logs.isEmpty() ? exception : exception.withLogs(logs);
	}

	static String property(String policy, QuotaKind kind) {
		return "worker-loader.policies." + policy + ".limits." + switch (kind) {
			case CPU_TIME -> "cpu-time";
			case WALL_TIME -> "wall-time";
			case MEMORY -> "memory";
			case OUTPUT -> "output";
			case STATEMENTS -> "statements";
		};
	}

}
