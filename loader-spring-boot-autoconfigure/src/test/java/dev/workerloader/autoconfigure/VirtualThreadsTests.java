package dev.workerloader.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.workerloader.QuotaKind;
import dev.workerloader.WorkerQuotaExceededException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.VirtualThreadTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests that workers called from virtual threads, with
 * {@code spring.threads.virtual.enabled=true}, work and stay within their limits: guest
 * code always runs on the loader's own platform threads.
 *
 * @author Worker Loader team
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "Virtual threads need Java 21")
class VirtualThreadsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WorkerLoaderAutoConfiguration.class))
		.withUserConfiguration(ChatRoomConfiguration.class)
		.withPropertyValues("spring.threads.virtual.enabled=true", "worker-loader.policies.demo.bindings=CHAT_ROOM",
				"worker-loader.policies.demo.limits.cpu-time=200ms", "worker-loader.policies.demo.limits.wall-time=3s");

	private final VirtualThreadTaskExecutor executor = new VirtualThreadTaskExecutor("test-virtual-");

	@BeforeEach
	void requireVirtualThreads() {
		assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21");
	}

	@Test
	void workerCalledFromAVirtualThreadRunsOnAPlatformThread() {
		this.contextRunner.run((context) -> {
			CompletableFuture<Object> result = this.executor
				.submitCompletable(() -> List.of(isVirtual(Thread.currentThread()),
						Guest.run(context, "demo", "return env.CHAT_ROOM.getHistory(1);", "CHAT_ROOM")));
			assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(List.of(true, List.of("world")));
		});
	}

	@Test
	void asyncBindingWorksFromAVirtualThread() {
		this.contextRunner.run((context) -> {
			CompletableFuture<Object> result = this.executor.submitCompletable(
					() -> Guest.run(context, "demo", "return await env.CHAT_ROOM.post('vt');", "CHAT_ROOM"));
			assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("posted vt");
		});
	}

	@Test
	void cpuLimitHoldsForAWorkerCalledFromAVirtualThread() {
		this.contextRunner.run((context) -> {
			long start = System.nanoTime();
			CompletableFuture<Object> result = this.executor
				.submitCompletable(() -> Guest.run(context, "demo", "while (true) {}"));
			assertThat(result).failsWithin(Duration.ofSeconds(30))
				.withThrowableOfType(java.util.concurrent.ExecutionException.class)
				.havingCause()
				.isInstanceOfSatisfying(WorkerQuotaExceededException.class,
						(ex) -> assertThat(ex.kind()).isEqualTo(QuotaKind.CPU_TIME));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		});
	}

	@Test
	void manyVirtualThreadsShareTheSandboxThreads() {
		this.contextRunner.withPropertyValues("worker-loader.sandbox.threads=2").run((context) -> {
			List<CompletableFuture<Object>> results = new ArrayList<>();
			for (int i = 0; i < 16; i++) {
				int n = i;
				results.add(this.executor.submitCompletable(() -> Guest.run(context,
						dev.workerloader.WorkerCode.builder()
							.module("agent.js", "export default { async myAgent(p) { return p * 2; } }")
							.policy("demo")
							.build(),
						n)));
			}
			for (int i = 0; i < results.size(); i++) {
				assertThat(results.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(i * 2);
			}
		});
	}

	private static boolean isVirtual(Thread thread) {
		try {
			// Thread.isVirtual() is Java 21; this module compiles for Java 17.
			return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
		}
		catch (ReflectiveOperationException ex) {
			return false;
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class ChatRoomConfiguration {

		@Bean
		ChatRoomService chatRoomService() {
			return new ChatRoomService();
		}

	}

}
