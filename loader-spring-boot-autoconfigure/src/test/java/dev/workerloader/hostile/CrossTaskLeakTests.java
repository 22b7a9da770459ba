package dev.workerloader.hostile;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerLoader;
import dev.workerloader.hostile.Hostile.Tier;
import dev.workerloader.sandbox.GraalWorkerLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.workerloader.hostile.Hostile.assertHostAliveAndClean;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Attack: leaving something behind for the next task. Prototype pollution, globals,
 * replaced built-ins and module state set by one worker must not be seen by the next
 * worker, whether it comes from the warm pool, from a statement-limited context or from
 * {@code get(id)} with other bindings.
 *
 * @author Worker Loader team
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.workerloader.hostile.Hostile#loaderTiers")
class CrossTaskLeakTests {

	private static final String POLLUTE = "globalThis.leak = 'left behind'; Object.prototype.polluted = 'yes';"
			+ " Array.prototype.polluted = 'yes'; Array.prototype.push = function () { return -1; };"
			+ " JSON.parse = () => 'hijacked'; Promise.prototype.then = function () { return 'hijacked'; };"
			+ " Object.defineProperty(globalThis, 'API_KEY', { get() { return 'spoofed'; } });";

	private static WorkerLoader loader;

	@Parameter
	Tier tier;

	@BeforeParameterizedClassInvocation
	static void startLoader(Tier tier) {
		loader = Hostile.loader(tier, (builder) -> builder.poolMin(2).poolMax(4), (builder) -> {
		});
	}

	@AfterParameterizedClassInvocation
	static void stopLoader() {
		Hostile.close(loader);
	}

	@AfterEach
	void hostIsAliveAndClean() {
		assertHostAliveAndClean(loader);
	}

	@Test
	void pollutionAtModuleLoadIsNotSeenByTheNextWorkers() {
		for (int i = 0; i < 20; i++) {
			try (Worker attacker = loader
				.load(WorkerCode.of(POLLUTE + " export default { run() { return [].push(1); } }"))) {
				assertThat(attacker.getEntrypoint().call("run")).isEqualTo(-1);
			}
			// Contexts come from the warm pool: none is ever handed out twice.
			assertHostAliveAndClean(loader);
		}
		if (loader instanceof GraalWorkerLoader inProcess) {
			assertThat(inProcess.pool().acquired()).isGreaterThanOrEqualTo(40);
		}
	}

	@Test
	void pollutionDuringAnInvocationIsNotSeenByAWorkerRunningAtTheSameTime() {
		try (Worker attacker = loader.load(Hostile.code("default", "run() { " + POLLUTE + " return 'done'; }"));
				Worker victim = loader.load(Hostile.code("default",
						"run(p, env) { return [typeof leak, ({}).polluted === undefined, [].push(1), env.API_KEY.startsWith('sk-live-')]; }"))) {
			assertThat(attacker.getEntrypoint().call("run")).isEqualTo("done");
			assertThat(victim.getEntrypoint().call("run")).isEqualTo(List.of("undefined", true, 1, true));
		}
	}

	@Test
	void pollutionIsNotSeenByStatementLimitedContextsEither() {
		try (Worker attacker = loader.load(WorkerCode.of(POLLUTE + " export default { run() { return 1; } }"))) {
			attacker.getEntrypoint().call("run");
		}
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "export default { run() { return [typeof leak, ({}).polluted === undefined]; } }")
			.policy("statements")
			.build();
		try (Worker next = loader.load(code)) {
			assertThat(next.getEntrypoint().call("run")).isEqualTo(List.of("undefined", true));
		}
	}

	@Test
	void replacedBuiltInsDoNotFoolTheHostAboutResults() {
		try (Worker attacker = loader.load(Hostile.code("default",
				"run() { JSON.stringify = () => '\"forged\"';"
						+ " Promise.prototype.then = function () { return 'forged'; }; return { real: true }; },"
						+ " async later() { JSON.stringify = () => '\"forged\"'; return 'real'; }"))) {
			assertThat(attacker.getEntrypoint().call("run")).isEqualTo(Map.of("real", true));
			assertThat(attacker.getEntrypoint().call("later")).isEqualTo("real");
		}
	}

	@Test
	void loadingTheSameCodeAgainStartsFromFreshModuleState() {
		String source = "let calls = 0; const seen = []; export default { run(p) { calls++; seen.push(p); return [calls, seen.length]; } }";
		try (Worker first = loader.load(WorkerCode.of(source))) {
			first.getEntrypoint().call("run", "secret-of-request-1");
			assertThat(first.getEntrypoint().call("run", "x")).isEqualTo(List.of(2, 2));
		}
		try (Worker second = loader.load(WorkerCode.of(source))) {
			assertThat(second.getEntrypoint().call("run", "y")).isEqualTo(List.of(1, 1));
		}
	}

	@Test
	void evictedKeptWorkerComesBackWithoutItsPreviousValues() {
		Supplier<WorkerCode> code = () -> WorkerCode
			.of("let kept = null; export default { put(v) { kept = v; return 'ok'; }, take() { return kept; } }");
		Worker first = loader.get("leak-kept", code);
		first.getEntrypoint().call("put", "value-of-tenant-a");
		assertThat(loader.get("leak-kept", code).getEntrypoint().call("take")).isEqualTo("value-of-tenant-a");
		assertThat(loader.evict("leak-kept")).isTrue();
		assertThat(first.isClosed()).isTrue();
		assertThat(loader.get("leak-kept", code).getEntrypoint().call("take")).isNull();
		loader.evict("leak-kept");
	}

	@Test
	void oneIdAskedForWithOtherBindingsGetsAnotherSandbox() {
		String source = "export default { run(p, env) { globalThis.mark = globalThis.mark || p;"
				+ " return [globalThis.mark, Object.getOwnPropertyNames(env).sort().join(',')]; } }";
		WorkerCode withBinding = WorkerCode.builder()
			.module("agent.js", source)
			.env("api", new HostReachTests.Api(), HostReachTests.ApiContract.class)
			.build();
		WorkerCode withoutBinding = WorkerCode.builder().module("agent.js", source).env("PLAIN", "data").build();
		Worker privileged = loader.get("leak-shared-id", withBinding);
		Worker plain = loader.get("leak-shared-id", withoutBinding);
		assertThat(plain).isNotSameAs(privileged);
		assertThat(privileged.getEntrypoint().call("run", "privileged"))
			.isEqualTo(List.of("privileged", "API_KEY,api"));
		assertThat(plain.getEntrypoint().call("run", "plain")).isEqualTo(List.of("plain", "API_KEY,PLAIN"));
		assertThatExceptionOfType(WorkerException.class)
			.isThrownBy(() -> loader.get("leak-shared-id", withoutBinding).getEntrypoint().call("run2"));
		if (loader instanceof GraalWorkerLoader inProcess) {
			assertThat(inProcess.keptWorker("leak-shared-id")).hasSize(2);
		}
		else {
			// The process tier's equivalent: its host runs the two kept workers.
			assertThat(Hostile.activeWorkers(loader)).isEqualTo(2);
		}
		loader.evict("leak-shared-id");
	}

	@Test
	void paramsAndPropsAreCopiesTheGuestCannotChangeForTheCaller() {
		java.util.Map<String, Object> param = new java.util.HashMap<>(
				Map.of("list", new java.util.ArrayList<>(List.of(1))));
		try (Worker worker = loader
			.load(WorkerCode.of("export default { run(p, env, ctx) { p.list.push(2); p.added = 1;"
					+ " try { ctx.props.x = 2; } catch (e) { return [e.name, p.list.length]; } return 'mutated'; } }"))) {
			assertThat(worker.getEntrypoint("default", Map.of("x", 1)).call("run", param))
				.isEqualTo(List.of("TypeError", 2));
		}
		assertThat(param).isEqualTo(Map.of("list", List.of(1)));
	}

}
