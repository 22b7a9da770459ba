package dev.workerloader.sandbox;

import java.time.ZoneId;
import java.util.Map;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guest's clock is UTC unless its policy says otherwise (issue 19), whatever the
 * JVM's zone; a policy's zone never leaks into the pooled contexts of other policies.
 */
class PolicyTimeZoneTests {

	private static final String CLOCK = "export default { run() { return { offset: new Date(0).getTimezoneOffset(),"
			+ " zone: Intl.DateTimeFormat().resolvedOptions().timeZone,"
			+ " hour: new Date(Date.UTC(2026, 0, 15, 12)).getHours() }; } }";

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void startLoader() {
		loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("default", WorkerLimits.DEFAULTS),
					WorkerPolicy.of("new-york", WorkerLimits.DEFAULTS).withTimeZone(ZoneId.of("America/New_York"))))
			.build();
	}

	@AfterAll
	static void closeLoader() {
		loader.close();
	}

	@Test
	void aPolicyZoneIsTheGuestsDefaultZone() {
		assertThat(clock("new-york")).containsEntry("offset", 300)
			.containsEntry("zone", "America/New_York")
			.containsEntry("hour", 7);
	}

	@Test
	void withoutAPolicyZoneTheGuestSeesUtcBeforeAndAfterAZonedWorker() {
		assertThat(clock("default")).containsEntry("offset", 0).containsEntry("hour", 12);
		clock("new-york");
		Map<String, Object> after = clock("default");
		assertThat(after).containsEntry("offset", 0).containsEntry("hour", 12);
		assertThat((String) after.get("zone")).isIn("UTC", "Etc/UTC");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> clock(String policy) {
		try (Worker worker = loader.load(WorkerCode.builder().module("main.js", CLOCK).policy(policy).build())) {
			return (Map<String, Object>) worker.getEntrypoint().call("run");
		}
	}

}
