package dev.workerloader.hostile;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import dev.workerloader.autoconfigure.WorkerLoaderAutoConfiguration;
import dev.workerloader.sandbox.GraalWorkerLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack (issue 12): reach another tenant's kept worker. Tenant B asks for the id tenant
 * A's worker is kept under, hoping for A's sandbox with A's state, or hands in other code
 * hoping to replace A's. Kept workers belong to the authenticated principal; the supplier
 * runs only when nothing is kept for that principal, so a lazy supplier stays lazy.
 *
 * @author Worker Loader team
 */
class KeptWorkerTenancyTests {

	private static final String STATEFUL = "let note = null; export default {"
			+ " put(v) { note = v; return 'ok'; }, take() { return note; } }";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WorkerLoaderAutoConfiguration.class))
		.withPropertyValues("worker-loader.kept.max-workers=8", "worker-loader.kept.idle-timeout=10m");

	@AfterEach
	void signOut() {
		SecurityContextHolder.clearContext();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.workerloader.hostile.Hostile#tiers")
	void aTenantAskingForAnotherTenantsIdGetsItsOwnSandbox(String name, String[] tier) {
		Hostile.onTier(this.contextRunner, tier).run((context) -> {
			WorkerLoader loader = context.getBean(WorkerLoader.class);
			signIn("alice");
			Worker alice = loader.get("agent:notes:v1", () -> WorkerCode.of(STATEFUL));
			assertThat(alice.getClass().getSimpleName())
				.isEqualTo("process".equals(name) ? "ProcessWorker" : "SandboxWorker");
			alice.getEntrypoint().call("put", "alice's private note");
			signIn("bob");
			Worker bob = loader.get("agent:notes:v1", () -> WorkerCode.of(STATEFUL));
			assertThat(bob).isNotSameAs(alice);
			assertThat(bob.getEntrypoint().call("take")).isNull();
			SecurityContextHolder.clearContext();
			assertThat(loader.get("agent:notes:v1", () -> WorkerCode.of(STATEFUL)).getEntrypoint().call("take"))
				.as("an anonymous caller")
				.isNull();
			signIn("alice");
			assertThat(loader.get("agent:notes:v1", () -> WorkerCode.of(STATEFUL)).getEntrypoint().call("take"))
				.isEqualTo("alice's private note");
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.workerloader.hostile.Hostile#tiers")
	void anotherTenantsCodeNeverReplacesAKeptWorker(String name, String[] tier) {
		Hostile.onTier(this.contextRunner, tier).run((context) -> {
			WorkerLoader loader = context.getBean(WorkerLoader.class);
			signIn("alice");
			Worker alice = loader.get("agent", () -> WorkerCode.of(STATEFUL));
			assertThat(alice.getClass().getSimpleName())
				.isEqualTo("process".equals(name) ? "ProcessWorker" : "SandboxWorker");
			alice.getEntrypoint().call("put", "kept");
			signIn("mallory");
			Worker mallory = loader.get("agent",
					() -> WorkerCode.of("export default { take() { return 'mallory was here'; } }"));
			assertThat(mallory.getEntrypoint().call("take")).isEqualTo("mallory was here");
			assertThat(loader.evict("agent")).isTrue();
			assertThat(alice.isClosed()).isTrue();
			assertThat(mallory.isClosed()).isTrue();
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.workerloader.hostile.Hostile#tiers")
	void theSupplierRunsOnlyWhenNothingIsKeptForThePrincipal(String name, String[] tier) {
		Hostile.onTier(this.contextRunner, tier).run((context) -> {
			WorkerLoader loader = context.getBean(WorkerLoader.class);
			AtomicInteger databaseReads = new AtomicInteger();
			signIn("alice");
			for (int i = 0; i < 10; i++) {
				loader.get("lazy", () -> {
					databaseReads.incrementAndGet();
					return WorkerCode.of(STATEFUL);
				});
			}
			assertThat(databaseReads).hasValue(1);
			signIn("bob");
			loader.get("lazy", () -> {
				databaseReads.incrementAndGet();
				return WorkerCode.of(STATEFUL);
			});
			assertThat(databaseReads).hasValue(2);
		});
	}

	@Test
	void theKeptSetIsBoundedByTheProperties() {
		this.contextRunner.run((context) -> {
			GraalWorkerLoader loader = context.getBean(GraalWorkerLoader.class);
			for (int tenant = 0; tenant < 20; tenant++) {
				signIn("tenant-" + tenant);
				loader.get("agent", () -> WorkerCode.of(STATEFUL));
			}
			assertThat(loader.keptWorkers()).isEqualTo(8);
			assertThat(loader.keptEvictions()).isEqualTo(12);
			assertThat(loader.activeWorkers()).isEqualTo(8);
		});
	}

	private static void signIn(String name) {
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(name, "n/a", List.of()));
	}

}
