package dev.workerloader.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerLoader;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.actuate.audit.AuditWorkerListener;
import dev.workerloader.metrics.WorkerLoaderMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.boot.actuate.audit.listener.AuditApplicationEvent;
import org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * After a few agents ran (one succeeds, one is killed, one reuses cached code, one is
 * refused), the meters in a real registry and the audit events show it, without source or
 * secrets.
 */
@ExtendWith(OutputCaptureExtension.class)
class WorkerLoaderObservabilityTests {

	private static final String SECRET = "s3cr3t-token-value";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AuditAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				ObservationAutoConfiguration.class, WorkerLoaderAutoConfiguration.class,
				WorkerLoaderMetricsAutoConfiguration.class, WorkerLoaderAuditAutoConfiguration.class))
		.withUserConfiguration(ObservabilityConfiguration.class)
		.withPropertyValues("worker-loader.policies.default.limits.cpu-time=200ms",
				"worker-loader.policies.agents.vars.TOKEN=" + SECRET);

	private static void runAgents(AssertableApplicationContext context) {
		WorkerLoader loader = context.getBean(WorkerLoader.class);
		String source = "export default { run(p, env) { console.log('hello'); return p * 2; } }";
		for (int i = 0; i < 2; i++) {
			try (Worker worker = loader.load(WorkerCode.builder().name("good").module("agent.js", source).build())) {
				assertThat(worker.getEntrypoint().call("run", 21)).isEqualTo(42);
			}
		}
		try (Worker worker = loader.load(WorkerCode.builder()
			.name("runaway")
			.clientId("client-7")
			.module("agent.js", "export default { run() { while (true) {} } }")
			.build())) {
			assertThatExceptionOfType(WorkerQuotaExceededException.class)
				.isThrownBy(() -> worker.getEntrypoint().call("run"));
		}
		try (Worker worker = loader.load(WorkerCode.builder()
			.name("thrower")
			.policy("agents")
			.module("agent.js", "export default { run(p, env) { throw new Error('bad ' + env.TOKEN); } }")
			.build())) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("run"));
		}
		assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> loader
			.load(WorkerCode.builder().name("denied").module("agent.js", "export default {}").env("NOPE").build()));
	}

	@Test
	void executionObservationTimesInvocationsByPolicyAndOutcome() {
		this.contextRunner.run((context) -> {
			runAgents(context);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("worker.loader.execution")
				.tags("outcome", "success", "policy", "default", "entrypoint.kind", "default")
				.timer()
				.count()).isEqualTo(2);
			assertThat(registry.get("worker.loader.execution")
				.tags("outcome", "quota_exceeded", "quota", "cpu_time")
				.timer()
				.count()).isEqualTo(1);
			assertThat(registry.get("worker.loader.execution")
				.tags("outcome", "guest_error", "policy", "agents")
				.timer()
				.count()).isEqualTo(1);
			assertThat(registry.get("worker.loader.execution.active").longTaskTimer().activeTasks()).isZero();
		});
	}

	@Test
	void countersShowLoadsKillsAndCacheHits() {
		this.contextRunner.run((context) -> {
			runAgents(context);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("worker.loader.loads")
				.tags("outcome", "success")
				.counters()
				.stream()
				.mapToDouble((counter) -> counter.count())
				.sum()).isEqualTo(4);
			assertThat(registry.get("worker.loader.loads").tags("outcome", "denied").counter().count()).isEqualTo(1);
			assertThat(registry.get(WorkerLoaderMetrics.QUOTA_KILLS).tags("kind", "cpu_time").functionCounter().count())
				.isEqualTo(1);
			assertThat(registry.get(WorkerLoaderMetrics.QUOTA_KILLS).tags("kind", "memory").functionCounter().count())
				.isZero();
			assertThat(registry.get(WorkerLoaderMetrics.CACHE_REQUESTS).tags("result", "hit").functionCounter().count())
				.isGreaterThanOrEqualTo(1);
			assertThat(
					registry.get(WorkerLoaderMetrics.CACHE_REQUESTS).tags("result", "miss").functionCounter().count())
				.isGreaterThanOrEqualTo(3);
			assertThat(registry.get(WorkerLoaderMetrics.CACHE_SIZE).gauge().value()).isGreaterThanOrEqualTo(3);
			assertThat(registry.get(WorkerLoaderMetrics.WORKERS_ACTIVE).gauge().value()).isZero();
			assertThat(registry.get(WorkerLoaderMetrics.WORKERS_KEPT).gauge().value()).isZero();
			assertThat(registry.get(WorkerLoaderMetrics.THREADS_ABANDONED).functionCounter().count()).isZero();
			assertThat(registry.get(WorkerLoaderMetrics.THREADS_LINGERING).gauge().value()).isZero();
			assertThat(registry.get(WorkerLoaderMetrics.POOL_TARGET).gauge().value()).isGreaterThanOrEqualTo(0);
		});
	}

	@Test
	void noMeterIsTaggedWithWorkerIdsHashesOrSecrets() {
		this.contextRunner.run((context) -> {
			runAgents(context);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			registry.getMeters().forEach((meter) -> meter.getId().getTags().forEach((tag) -> {
				assertThat(tag.getValue()).doesNotContain("good", "runaway", "thrower", SECRET, "client-7");
				assertThat(tag.getValue()).doesNotMatch("[0-9a-f]{64}");
			}));
		});
	}

	@Test
	void everyLoadAndInvocationBecomesAnAuditEvent() {
		this.contextRunner.run((context) -> {
			runAgents(context);
			List<AuditEvent> events = context.getBean(InMemoryAuditEventRepository.class).find(null, null, null);
			assertThat(events).filteredOn((event) -> event.getType().equals(AuditWorkerListener.LOAD)).hasSize(5);
			assertThat(events).filteredOn((event) -> event.getType().equals(AuditWorkerListener.INVOCATION)).hasSize(4);
			AuditEvent killed = events.stream()
				.filter((event) -> event.getType().equals(AuditWorkerListener.INVOCATION)
						&& "runaway".equals(event.getData().get("workerId")))
				.findFirst()
				.orElseThrow();
			assertThat(killed.getPrincipal()).isEqualTo("client-7");
			assertThat(killed.getData()).containsEntry("outcome", "quota_exceeded")
				.containsEntry("quota", "CPU_TIME")
				.containsEntry("policy", "default")
				.containsKeys("codeSha256", "cpuMs", "wallMs");
			assertThat((String) killed.getData().get("codeSha256")).matches("[0-9a-f]{64}");
			AuditEvent denied = events.stream()
				.filter((event) -> "denied".equals(event.getData().get("outcome")))
				.findFirst()
				.orElseThrow();
			assertThat(denied.getPrincipal()).isEqualTo("anonymous");
			for (AuditEvent event : events) {
				assertThat(event.getData().toString()).doesNotContain(SECRET)
					.doesNotContain("while (true)")
					.doesNotContain("console.log");
			}
		});
	}

	@Test
	void auditEventsArePublishedAsApplicationEventsWithoutARepository(CapturedOutput output) {
		List<AuditApplicationEvent> published = new CopyOnWriteArrayList<>();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WorkerLoaderAutoConfiguration.class,
					WorkerLoaderAuditAutoConfiguration.class))
			.withInitializer((context) -> context
				.addApplicationListener((ApplicationListener<AuditApplicationEvent>) published::add))
			.withPropertyValues("worker-loader.policies.agents.vars.TOKEN=" + SECRET)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(InMemoryAuditEventRepository.class);
				runAgents(context);
				assertThat(published).extracting((event) -> event.getAuditEvent().getType())
					.containsOnly(AuditWorkerListener.LOAD, AuditWorkerListener.INVOCATION)
					.hasSize(9);
			});
		// Issue 14: no INFO line per load or per call by default.
		assertThat(output).doesNotContain("WORKER_LOAD").doesNotContain("WORKER_INVOCATION");
	}

	@Test
	void auditBacksOffWithoutActuator() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WorkerLoaderAutoConfiguration.class,
					WorkerLoaderAuditAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(WorkerLoader.class);
				assertThat(context).doesNotHaveBean(AuditWorkerListener.class);
			});
	}

	@Test
	void auditCanBeSwitchedOff() {
		this.contextRunner.withPropertyValues("worker-loader.audit.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(AuditWorkerListener.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class ObservabilityConfiguration {

		@Bean
		InMemoryAuditEventRepository auditEventRepository() {
			return new InMemoryAuditEventRepository();
		}

	}

}
