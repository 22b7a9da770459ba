package dev.workerloader.actuate.endpoint;

import java.time.Duration;
import java.util.Map;

import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.actuate.endpoint.WorkerLoaderEndpoint.WorkerLoaderDescriptor;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.sandbox.GraalWorkerLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link WorkerLoaderEndpoint} in plain Java over a real loader.
 */
class WorkerLoaderEndpointTests {

	private GraalWorkerLoader loader;

	private WorkerLoaderEndpoint endpoint;

	@BeforeEach
	void start() {
		WorkerPolicy policy = WorkerPolicy.of("default", WorkerLimits.DEFAULTS.withCpuTime(Duration.ofMillis(200)))
			.withBindings("CHAT_ROOM")
			.withVars(Map.of("API_TOKEN", "never-shown"))
			.withSecrets(Map.of("DB_PASSWORD", "secret-never-shown"));
		this.loader = GraalWorkerLoader.builder().policies(PolicyResolver.of(policy)).build();
		this.endpoint = new WorkerLoaderEndpoint(this.loader);
		this.loader.awaitReady(Duration.ofMinutes(1));
	}

	@AfterEach
	void stop() {
		this.loader.close();
	}

	@Test
	void describesRuntimePoolKillsCacheWorkersAndPolicies() {
		Worker kept = this.loader.get("kept-one", () -> WorkerCode.of("export default { run() { return 1; } }"));
		kept.getEntrypoint().call("run");
		try (Worker runaway = this.loader.load(WorkerCode.of("export default { run() { for (;;) {} } }"))) {
			assertThatExceptionOfType(WorkerQuotaExceededException.class)
				.isThrownBy(() -> runaway.getEntrypoint().call("run"));
		}
		WorkerLoaderDescriptor descriptor = this.endpoint.workerLoader();
		assertThat(descriptor.ready()).isTrue();
		assertThat(descriptor.runtime()).isNotNull();
		assertThat(descriptor.runtime().graalVersion()).isEqualTo("25.0.5");
		assertThat(descriptor.quotaKills().total()).isEqualTo(1);
		assertThat(descriptor.quotaKills().byKind()).containsEntry(QuotaKind.CPU_TIME, 1L);
		assertThat(descriptor.bytecodeCache().misses()).isGreaterThanOrEqualTo(2);
		assertThat(descriptor.workers().kept()).isEqualTo(1);
		assertThat(descriptor.workers().keptIds()).containsExactly("kept-one");
		assertThat(descriptor.workers().loaded()).isEqualTo(2);
		assertThat(descriptor.rateLimitStore().store()).isEqualTo("memory");
		assertThat(descriptor.rateLimitStore().failures()).isZero();
		assertThat(descriptor.pool().max()).isPositive();
		assertThat(descriptor.threads().size()).isPositive();
		// On a starved machine even a tight loop can outlast the kill grace and be
		// abandoned.
		assertThat(descriptor.threads().abandoned()).isGreaterThanOrEqualTo(descriptor.threads().lingering());
		assertThat(descriptor.policies()).containsOnlyKeys("default");
		assertThat(descriptor.policies().get("default").bindings()).containsExactly("CHAT_ROOM");
		assertThat(descriptor.policies().get("default").vars()).containsExactly("API_TOKEN");
		assertThat(descriptor.policies().get("default").secrets()).containsExactly("DB_PASSWORD");
		assertThat(descriptor.workers().keptEvictions()).isZero();
		assertThat(descriptor.policies().get("default").limits().cpuTime()).isEqualTo(Duration.ofMillis(200));
		assertThat(descriptor.toString()).doesNotContain("never-shown").doesNotContain("secret-never-shown");
	}

	@Test
	void selectorDescribesOneKeptWorker() {
		Worker kept = this.loader.get("report", () -> WorkerCode.of("export default { run() { return 1; } }"));
		kept.getEntrypoint().call("run");
		kept.getEntrypoint().call("run");
		var described = this.endpoint.keptWorker("report");
		assertThat(described).isNotNull();
		assertThat(described.workers()).singleElement().satisfies((worker) -> {
			assertThat(worker.policy()).isEqualTo("default");
			assertThat(worker.invocations()).isEqualTo(2);
			assertThat(worker.lastOutcome()).isEqualTo("success");
			assertThat(worker.age()).isPositive();
			assertThat(worker.codeSha256()).matches("[0-9a-f]{64}");
		});
		assertThat(this.endpoint.keptWorker("unknown")).isNull();
	}

	@Test
	void deleteEvictsTheKeptWorker() {
		Worker kept = this.loader.get("evict-me", () -> WorkerCode.of("export default { run() { return 1; } }"));
		assertThat(this.endpoint.evict("evict-me").evicted()).isTrue();
		assertThat(kept.isClosed()).isTrue();
		assertThat(this.endpoint.evict("evict-me").evicted()).isFalse();
		assertThat(this.endpoint.workerLoader().workers().kept()).isZero();
	}

}
