package dev.workerloader.hostile;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.WorkerLoader;
import dev.workerloader.hostile.Hostile.Tier;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.workerloader.hostile.Hostile.SECRET;
import static dev.workerloader.hostile.Hostile.assertHostAliveAndClean;
import static dev.workerloader.hostile.Hostile.assertNoSecret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Fault injection on the host side: a binding that throws, fails its future, never
 * answers or blocks. Each gives the worker a clear error without host details, and a
 * bystander worker running at the same time is untouched. Outbound servers and the KV
 * store are not covered yet (see docs/security.md).
 *
 * @author Worker Loader team
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.workerloader.hostile.Hostile#loaderTiers")
class FaultInjectionTests {

	private static WorkerLoader loader;

	@Parameter
	Tier tier;

	private static Worker bystander;

	@BeforeParameterizedClassInvocation
	static void startLoader(Tier tier) {
		loader = Hostile.loader(tier);
		bystander = loader.load(Hostile.code("default",
				"run(n) { globalThis.count = (globalThis.count || 0) + 1;" + " return [n, globalThis.count]; }"));
	}

	@AfterParameterizedClassInvocation
	static void stopLoader() {
		bystander.close();
		Hostile.close(loader);
	}

	@AfterEach
	void bystanderIsUntouched() {
		assertThat(bystander.isClosed()).isFalse();
		Object answer = bystander.getEntrypoint().call("run", 7);
		assertThat(answer).asInstanceOf(InstanceOfAssertFactories.LIST).first().isEqualTo(7);
		assertHostAliveAndClean(loader);
	}

	@Test
	void bindingThatThrowsGivesAReferenceNotTheHostMessage() {
		try (Worker worker = loader.load(faulty(
				"run(p, env) { try { env.faults.crash(); } catch (e) { return [e.name, e.message, e.stack]; } }"))) {
			String result = String.valueOf(worker.getEntrypoint().call("run"));
			assertThat(result).contains("env.faults.crash failed on the host (reference ")
				.doesNotContain(SECRET, "NullPointerException", "java.", "Faults");
		}
	}

	@Test
	void bindingValidationErrorReachesTheGuestWithoutClassNames() {
		try (Worker worker = loader
			.load(faulty("run(p, env) { try { env.faults.reject(); } catch (e) { return e.message; } }"))) {
			assertThat((String) worker.getEntrypoint().call("run"))
				.contains("env.faults.reject failed: amount must be positive")
				.doesNotContain("dev.workerloader", "java.lang");
		}
	}

	@Test
	void bindingWhoseFutureFailsRejectsTheAwait() {
		try (Worker worker = loader
			.load(faulty("async run(p, env) { try { await env.faults.failLater(); return 'resolved'; }"
					+ " catch (e) { return e.message; } }"))) {
			assertThat((String) worker.getEntrypoint().call("run")).contains("env.faults.failLater failed on the host")
				.doesNotContain(SECRET);
		}
	}

	@Test
	void uncaughtBindingFailureIsAGuestErrorForTheCaller() {
		try (Worker worker = loader.load(faulty("run(p, env) { return env.faults.crash(); }"))) {
			assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> {
					assertThat(ex.getName()).isEqualTo("Error");
					assertThat(ex.getGuestMessage()).contains("env.faults.crash failed on the host");
					assertNoSecret(ex);
				});
			assertThat(worker.isClosed()).isFalse();
		}
	}

	@Test
	void bindingThatNeverAnswersIsStoppedForWallTime() {
		try (Worker worker = loader.load(faulty("async run(p, env) { return await env.faults.never(); }"))) {
			assertThatExceptionOfType(WorkerQuotaExceededException.class)
				.isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> {
					assertThat(ex.kind()).isEqualTo(QuotaKind.WALL_TIME);
					assertThat(ex.used()).isGreaterThanOrEqualTo(ex.limit());
					assertThat(ex.limit()).isEqualTo(Hostile.WALL.wallTime().toNanos());
					assertNoSecret(ex);
				});
		}
	}

	@Test
	void bindingThatBlocksIsStoppedForWallTime() {
		try (Worker worker = loader.load(faulty("run(p, env) { return env.faults.block(); }"))) {
			Hostile.assertCompletesWithin(Duration.ofSeconds(15),
					() -> assertThatExceptionOfType(WorkerQuotaExceededException.class)
						.isThrownBy(() -> worker.getEntrypoint().call("run"))
						.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(QuotaKind.WALL_TIME)));
		}
	}

	private static WorkerCode faulty(String method) {
		// Only the waiting faults need the short wall time; a cold JVM may take longer
		// for
		// the first host call.
		String policy = (method.contains("never") || method.contains("block")) ? "wall" : "default";
		return WorkerCode.builder()
			.module("agent.js", "export default { " + method + " }")
			.env("faults", new Faults(), FaultsApi.class)
			.policy(policy)
			.build();
	}

	/**
	 * A binding that fails in every way a host service can.
	 */
	public interface FaultsApi {

		String crash();

		String reject();

		CompletableFuture<String> failLater();

		CompletableFuture<String> never();

		String block();

	}

	static final class Faults implements FaultsApi {

		@Override
		public String crash() {
			throw new NullPointerException("connection to db://admin:" + SECRET + "@10.0.0.5 lost in Faults");
		}

		@Override
		public String reject() {
			throw new IllegalArgumentException("amount must be positive (java.lang.Integer dev.workerloader.Amount)");
		}

		@Override
		public CompletableFuture<String> failLater() {
			return CompletableFuture.supplyAsync(() -> {
				throw new RuntimeException("token " + SECRET + " expired");
			});
		}

		@Override
		public CompletableFuture<String> never() {
			return new CompletableFuture<>();
		}

		@Override
		public String block() {
			try {
				Thread.sleep(60_000);
				return "woke";
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return "interrupted";
			}
		}

	}

}
