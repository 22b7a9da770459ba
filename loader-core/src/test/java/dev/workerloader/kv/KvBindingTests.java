package dev.workerloader.kv;

import java.util.List;
import java.util.Map;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoadException;
import dev.workerloader.WorkerPolicyException;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.binding.ExposedBinding;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.sandbox.GraalWorkerLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code env.KV} as guests use it, in real GraalJS sandboxes: registered as a binding, so
 * it goes through the policy check, and scoped to the worker id or an explicit namespace.
 */
class KvBindingTests {

	private static final String AGENT = """
			export default {
			  async put(p, env) { await env.KV.put(p.key, p.value); return 'ok'; },
			  async get(p, env) { return await env.KV.get(p.key); },
			  async list(p, env) { return await env.KV.list(p.prefix); },
			  async batch(p, env) {
			    try { await env.KV.batch(p.ops); return 'applied'; } catch (e) { return e.message; }
			  },
			  async tooBig(p, env) {
			    try { await env.KV.put('big', 'x'.repeat(100)); return 'stored'; } catch (e) { return e.name + ': ' + e.message; }
			  }
			}
			""";

	private static KvBinding kv;

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void start() {
		kv = new KvBinding(new InMemoryKvStore(), new KvLimits(64, 50, 3, 10_000, 10));
		ExposedBinding registered = ExposedBinding.of(KvBinding.NAME, kv, null);
		BindingProvider bindings = BindingProvider.of(registered);
		loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("default", WorkerLimits.DEFAULTS).withBindings("KV"),
					WorkerPolicy.of("nokv", WorkerLimits.DEFAULTS)))
			.bindings(bindings)
			.build();
	}

	@AfterAll
	static void stop() {
		loader.close();
	}

	private static Worker worker(String id) {
		return loader.load(WorkerCode.builder().name(id).module("agent.js", AGENT).env("KV").build());
	}

	private static Object call(Worker worker, String method, Map<String, ?> param) {
		return worker.getEntrypoint().call(method, param);
	}

	@Test
	void eachWorkerIdSeesOnlyItsOwnKeys() {
		try (Worker alice = worker("alice"); Worker bob = worker("bob")) {
			call(alice, "put", Map.of("key", "greeting", "value", "hi from alice"));
			assertThat(call(bob, "get", Map.of("key", "greeting"))).isNull();
			assertThat(call(bob, "list", Map.of("prefix", ""))).isEqualTo(List.of());
			assertThat(call(alice, "get", Map.of("key", "greeting"))).isEqualTo("hi from alice");
		}
		// A new sandbox with the same id sees the data again.
		try (Worker alice = worker("alice")) {
			assertThat(call(alice, "get", Map.of("key", "greeting"))).isEqualTo("hi from alice");
		}
	}

	@Test
	void explicitNamespaceIsSharedByTheWorkersGivenIt() {
		WorkerCode.Builder one = WorkerCode.builder()
			.name("one")
			.module("agent.js", AGENT)
			.env("KV", kv.namespace("team"));
		WorkerCode.Builder two = WorkerCode.builder()
			.name("two")
			.module("agent.js", AGENT)
			.env("KV", kv.namespace("team"));
		try (Worker first = loader.load(one.build()); Worker second = loader.load(two.build())) {
			call(first, "put", Map.of("key", "plan", "value", "ship it"));
			assertThat(call(second, "get", Map.of("key", "plan"))).isEqualTo("ship it");
		}
		try (Worker own = worker("one")) {
			assertThat(call(own, "get", Map.of("key", "plan"))).isNull();
		}
	}

	@Test
	void policyMustListKv() {
		WorkerCode code = WorkerCode.builder().name("carol").policy("nokv").module("agent.js", AGENT).env("KV").build();
		assertThatExceptionOfType(WorkerPolicyException.class).isThrownBy(() -> loader.load(code))
			.withMessageContaining("was denied access to binding 'KV'")
			.withMessageContaining("worker-loader.policies.nokv.bindings");
	}

	@Test
	void generatedWorkerIdsCannotOwnKvData() {
		WorkerCode code = WorkerCode.builder().module("agent.js", AGENT).env("KV").build();
		assertThatExceptionOfType(WorkerLoadException.class).isThrownBy(() -> loader.load(code))
			.withMessageContaining("is a generated id")
			.withMessageContaining("explicit namespace");
	}

	@Test
	void limitsReachTheGuestAsClearErrors() {
		try (Worker worker = worker("dave")) {
			assertThat(call(worker, "tooBig", Map.of()))
				.isEqualTo("Error: env.KV.put failed: the value of key 'big' is 100 bytes, over the limit of 50"
						+ " (worker-loader.kv.max-value-size)");
		}
	}

	@Test
	void batchFromTheGuestIsAllOrNothing() {
		try (Worker worker = worker("erin")) {
			call(worker, "put", Map.of("key", "keep", "value", "1"));
			Object refused = call(worker, "batch", Map.of("ops", List.of(Map.of("op", "delete", "key", "keep"),
					Map.of("op", "put", "key", "a", "value", "1"), Map.of("op", "put", "key", "b", "value", "1"),
					Map.of("op", "put", "key", "c", "value", "1"), Map.of("op", "put", "key", "d", "value", "1"))));
			assertThat(refused).asString().contains("would hold 4 keys, over the limit of 3", "nothing was written");
			assertThat(call(worker, "list", Map.of("prefix", ""))).isEqualTo(List.of("keep"));
			assertThat(call(worker, "batch", Map.of("ops",
					List.of(Map.of("op", "put", "key", "a", "value", "1"), Map.of("op", "delete", "key", "keep")))))
				.isEqualTo("applied");
			assertThat(call(worker, "list", Map.of("prefix", ""))).isEqualTo(List.of("a"));
		}
	}

	@Test
	void unscopedBindingRefusesDirectUse() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> kv.get("x"))
			.withMessageContaining("not scoped");
	}

}
