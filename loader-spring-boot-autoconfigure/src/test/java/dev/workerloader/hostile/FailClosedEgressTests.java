package dev.workerloader.hostile;

import java.util.List;
import java.util.Map;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.sandbox.GraalWorkerLoader;
import dev.workerloader.sandbox.LoopbackOnlyNetwork;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile suite's JVM runs with the fail-closed test network below the egress guard
 * (issue 12): nothing in this module installs it, and a host the policy allows still
 * resolves to nothing, so no test of this suite can reach a real address, whatever the
 * guard decides.
 *
 * @author Worker Loader team
 */
class FailClosedEgressTests {

	@Test
	void theLoopbackOnlyNetworkIsInstalledWithoutAskingForIt() {
		assertThat(LoopbackOnlyNetwork.isInstalled()).isTrue();
	}

	@Test
	void anAllowedNamedHostResolvesToNothingInTests() {
		PolicyResolver policies = PolicyResolver
			.of(WorkerPolicy.of("default", WorkerLimits.DEFAULTS).withOutbound(List.of("api.example.com"), null));
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().policies(policies).build();
				Worker worker = loader.load(WorkerCode.of("export default { async run(p) {"
						+ " try { await fetch(p.url); return 'fetched'; } catch (e) { return e.message; } } }"))) {
			assertThat(worker.getEntrypoint().call("run", Map.of("url", "https://api.example.com/data"))).asString()
				.contains("host 'api.example.com' could not be resolved");
		}
		assertThat(LoopbackOnlyNetwork.takeViolations()).isEmpty();
	}

}
