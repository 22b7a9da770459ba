package dev.workerloader.demo;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.workerloader.Invocation;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerLoader;
import dev.workerloader.WorkerQuotaExceededException;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Runs an agent's code in a fresh sandbox per request.
 *
 * @author Worker Loader team
 */
@RestController
@RequestMapping("/api/agents")
class AgentController {

	private final WorkerLoader loader;

	AgentController(WorkerLoader loader) {
		this.loader = loader;
	}

	@PostMapping("/run")
	ResponseEntity<Map<String, Object>> run(@RequestBody RunRequest request) {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", request.code())
			.env("CHAT_ROOM")
			.policy("demo")
			.build();
		Map<String, Object> body = new LinkedHashMap<>();
		try (Worker worker = this.loader.load(code)) {
			Invocation invocation = worker.getEntrypoint().invoke("myAgent", request.param());
			body.put("value", invocation.value());
			body.put("logs", invocation.logs());
			body.put("cpuMillis", invocation.cpuTime().toMillis());
			body.put("wallMillis", invocation.wallTime().toMillis());
			return ResponseEntity.ok(body);
		}
		catch (WorkerException ex) {
			body.put("error", Map.of("name", ex.getName(), "message", ex.getMessage(), "stack", ex.getGuestStack()));
			body.put("logs", ex.getLogs());
			if (ex instanceof WorkerQuotaExceededException quota) {
				body.put("quota", quota.kind());
			}
			return ResponseEntity.unprocessableEntity().body(body);
		}
	}

	record RunRequest(String code, Object param) {
	}

}
