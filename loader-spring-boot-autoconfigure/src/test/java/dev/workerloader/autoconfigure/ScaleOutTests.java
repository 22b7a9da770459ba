package dev.workerloader.autoconfigure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.workerloader.TestPostgres;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import dev.workerloader.WorkerRateLimitedException;
import dev.workerloader.actuate.audit.AuditWorkerListener;
import dev.workerloader.kv.KvLimitExceededException;
import dev.workerloader.kv.KvLimits;
import dev.workerloader.kv.KvOp;
import dev.workerloader.kv.KvStore;
import dev.workerloader.kv.jdbc.JdbcKvStore;
import dev.workerloader.ratelimit.ClientRateLimiter;
import dev.workerloader.ratelimit.jdbc.JdbcRateLimitStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Two application contexts, two "instances" of one application behind a load balancer, on
 * one real PostgreSQL (as {@code .ci/run} starts it; skipped without
 * {@code WORKERLOADER_TEST_PG_URL}): the rate limit of a client holds across both (the
 * allowed requests add up to the limit, also under concurrent requests from both), KV
 * data and the audit trail are seen from both, batches are all-or-nothing across them,
 * and an instance that restarts keeps all three.
 */
class ScaleOutTests {

	private static final String AGENT = """
			export default {
			  hi() { return 'hi'; },
			  async put(p, env) { await env.KV.put(p.key, p.value); return 'ok'; },
			  async get(p, env) { return (await env.KV.get(p.key)) ?? null; }
			}
			""";

	private static final int CAPACITY = 10;

	private static ApplicationContextRunner instance;

	private final String run = Long.toString(System.nanoTime(), 36);

	@BeforeAll
	static void instances() {
		String url = TestPostgres.url();
		instance = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					WorkerLoaderAutoConfiguration.class, WorkerLoaderKvAutoConfiguration.class,
					WorkerLoaderRateLimitJdbcAutoConfiguration.class, WorkerLoaderAuditAutoConfiguration.class,
					WorkerLoaderAuditJdbcAutoConfiguration.class, AuditAutoConfiguration.class))
			// No pool library on the test classpath: a connection per use.
			.withPropertyValues("spring.datasource.type=" + SimpleDriverDataSource.class.getName(),
					"spring.datasource.url=" + url, "spring.datasource.username=" + TestPostgres.user(),
					"spring.datasource.password=" + TestPostgres.password(), "worker-loader.rate-limits.store=jdbc",
					"worker-loader.rate-limits.jdbc.initialize-schema=always", "worker-loader.audit.store=jdbc",
					"worker-loader.audit.jdbc.initialize-schema=always",
					"worker-loader.kv.jdbc.initialize-schema=always", "worker-loader.kv.max-keys=25",
					"worker-loader.policies.metered.bindings=KV",
					"worker-loader.policies.metered.rate-limit.capacity=" + CAPACITY,
					"worker-loader.policies.metered.rate-limit.refill-tokens=1",
					"worker-loader.policies.metered.rate-limit.refill-period=1h");
	}

	private WorkerCode code(String client) {
		return WorkerCode.builder()
			.name("agent-" + this.run)
			.policy("metered")
			.clientId(client + "-" + this.run)
			.module("agent.js", AGENT)
			.env("KV")
			.build();
	}

	@Test
	void sharedLimitAddsUpToTheLimitAcrossBothInstances() {
		instance.run((a) -> instance.run((b) -> {
			assertThat(a.getBean(ClientRateLimiter.class).store()).isInstanceOf(JdbcRateLimitStore.class);
			try (Worker onA = loader(a).load(code("alice")); Worker onB = loader(b).load(code("alice"))) {
				int allowed = 2;
				for (int i = 0; i < 4 * CAPACITY; i++) {
					Worker worker = (i % 2 == 0) ? onA : onB;
					try {
						worker.getEntrypoint().call("hi", null);
						allowed++;
					}
					catch (WorkerRateLimitedException ex) {
						assertThat(ex.getPolicy()).isEqualTo("metered");
					}
				}
				assertThat(allowed).isEqualTo(CAPACITY);
			}
			// Both instances refused: each counts its own refusals.
			assertThat(a.getBean(ClientRateLimiter.class).refusals()).isPositive();
			assertThat(b.getBean(ClientRateLimiter.class).refusals()).isPositive();
		}));
	}

	@Test
	void sharedLimitHoldsUnderConcurrentRequestsFromBothInstances() {
		instance.run((a) -> instance.run((b) -> {
			AtomicInteger allowed = new AtomicInteger();
			AtomicInteger refused = new AtomicInteger();
			int threads = 6;
			int attempts = 5;
			CountDownLatch start = new CountDownLatch(1);
			ExecutorService executor = Executors.newFixedThreadPool(threads);
			try {
				List<Future<?>> futures = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					WorkerLoader loader = loader((t % 2 == 0) ? a : b);
					futures.add(executor.submit(() -> {
						start.await();
						for (int i = 0; i < attempts; i++) {
							try {
								loader.load(code("bob")).close();
								allowed.incrementAndGet();
							}
							catch (WorkerRateLimitedException ex) {
								refused.incrementAndGet();
							}
						}
						return null;
					}));
				}
				start.countDown();
				for (Future<?> future : futures) {
					future.get(5, TimeUnit.MINUTES);
				}
			}
			finally {
				executor.shutdownNow();
			}
			assertThat(allowed).hasValue(CAPACITY);
			assertThat(refused).hasValue(threads * attempts - CAPACITY);
		}));
	}

	@Test
	void kvAndAuditAreSeenFromBothAndSurviveARestart() {
		String principal = "carol-" + this.run;
		instance.run((b) -> {
			instance.run((a) -> {
				assertThat(a.getBean(KvStore.class)).isInstanceOf(JdbcKvStore.class);
				try (Worker onA = loader(a).load(code("carol"))) {
					assertThat(onA.getEntrypoint().call("put", Map.of("key", "greeting", "value", "hello")))
						.isEqualTo("ok");
				}
				try (Worker onB = loader(b).load(code("carol"))) {
					assertThat(onB.getEntrypoint().call("get", Map.of("key", "greeting"))).isEqualTo("hello");
				}
				// Each instance sees the events of both: two loads, two invocations.
				assertThat(types(a, principal)).containsExactlyInAnyOrder(AuditWorkerListener.LOAD,
						AuditWorkerListener.LOAD, AuditWorkerListener.INVOCATION, AuditWorkerListener.INVOCATION);
				assertThat(types(b, principal)).isEqualTo(types(a, principal));
			});
			// Instance A restarts: KV, the audit trail and the used tokens are still
			// there.
			instance.run((restarted) -> {
				try (Worker again = loader(restarted).load(code("carol"))) {
					assertThat(again.getEntrypoint().call("get", Map.of("key", "greeting"))).isEqualTo("hello");
				}
				assertThat(types(restarted, principal)).hasSize(6);
				ClientRateLimiter limiter = restarted.getBean(ClientRateLimiter.class);
				for (int i = 0; i < CAPACITY; i++) {
					try {
						loader(restarted).load(code("carol")).close();
					}
					catch (WorkerRateLimitedException ex) {
						// Expected once the bucket is empty.
					}
				}
				// 4 requests before the restart (2 loads, 2 calls) and 2 after it left 4
				// of
				// the 10 tokens: 4 of these 10 loads pass, 6 are refused.
				assertThat(limiter.refusals()).isEqualTo(6);
			});
		});
	}

	@Test
	void kvBatchesFromBothInstancesAreAllOrNothing() {
		String namespace = "shared-" + this.run;
		KvLimits limits = new KvLimits(512, 1024, 25, 1024 * 1024, 128);
		instance.run((a) -> instance.run((b) -> {
			List<KvStore> stores = List.of(a.getBean(KvStore.class), b.getBean(KvStore.class));
			int batches = 8;
			AtomicInteger applied = new AtomicInteger();
			List<Integer> failed = Collections.synchronizedList(new ArrayList<>());
			CountDownLatch start = new CountDownLatch(1);
			ExecutorService executor = Executors.newFixedThreadPool(4);
			try {
				List<Future<?>> futures = new ArrayList<>();
				for (int n = 0; n < batches; n++) {
					int batch = n;
					KvStore store = stores.get(n % 2);
					futures.add(executor.submit(() -> {
						start.await();
						List<KvOp> ops = new ArrayList<>();
						for (int k = 0; k < 10; k++) {
							ops.add(KvOp.put("b" + batch + "-k" + k, "v"));
						}
						try {
							store.apply(namespace, ops, limits);
							applied.incrementAndGet();
						}
						catch (KvLimitExceededException ex) {
							failed.add(batch);
						}
						return null;
					}));
				}
				start.countDown();
				for (Future<?> future : futures) {
					future.get(5, TimeUnit.MINUTES);
				}
			}
			finally {
				executor.shutdownNow();
			}
			// 25 keys at most: two batches of ten fit, a third would not.
			assertThat(applied).hasValue(2);
			List<String> keys = stores.get(1).list(namespace, "");
			assertThat(keys).hasSize(20);
			for (int batch = 0; batch < batches; batch++) {
				long written = stores.get(0).list(namespace, "b" + batch + "-").size();
				assertThat(written).as("keys of batch %d", batch).isIn(0L, 10L);
				assertThat(written == 0).isEqualTo(failed.contains(batch));
			}
		}));
	}

	private static WorkerLoader loader(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return context.getBean(WorkerLoader.class);
	}

	private static List<String> types(AssertableApplicationContext context, String principal) {
		return context.getBean(AuditEventRepository.class)
			.find(principal, null, null)
			.stream()
			.map(AuditEvent::getType)
			.toList();
	}

}
