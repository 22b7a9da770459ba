package dev.workerloader.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The behaviour every {@link KvStore} must have, exercised through {@link KvBinding}:
 * scoping, limits and all-or-nothing batches. Each test uses fresh worker ids, so the
 * stores may keep data between tests.
 */
abstract class AbstractKvStoreTests {

	private static final KvLimits LIMITS = new KvLimits(16, 32, 5, 150, 10);

	private KvBinding kv;

	private String a;

	private String b;

	protected abstract KvStore store();

	@BeforeEach
	void prepare() {
		this.kv = new KvBinding(store(), LIMITS);
		String run = UUID.randomUUID().toString().substring(0, 8);
		this.a = "a-" + run;
		this.b = "b-" + run;
	}

	private KvNamespace worker(String id) {
		return (KvNamespace) this.kv.forWorker(id);
	}

	@Test
	void putGetDeleteAndList() {
		KvNamespace ns = worker(this.a);
		ns.put("user:1", "{\"n\":1}");
		ns.put("user:2", "two");
		ns.put("order:1", "o");
		assertThat(ns.get("user:1")).isEqualTo("{\"n\":1}");
		assertThat(ns.list("user:")).containsExactly("user:1", "user:2");
		assertThat(ns.list(null)).containsExactly("order:1", "user:1", "user:2");
		ns.put("user:1", "changed");
		assertThat(ns.get("user:1")).isEqualTo("changed");
		ns.delete("user:1");
		ns.delete("never-there");
		assertThat(ns.get("user:1")).isNull();
		assertThat(ns.list("user:")).containsExactly("user:2");
	}

	@Test
	void workersSeeOnlyTheirOwnKeys() {
		worker(this.a).put("shared-name", "from a");
		assertThat(worker(this.b).get("shared-name")).isNull();
		assertThat(worker(this.b).list("")).isEmpty();
		worker(this.b).put("shared-name", "from b");
		assertThat(worker(this.a).get("shared-name")).isEqualTo("from a");
		// The same id later, or on another instance, sees the same data.
		assertThat(worker(this.a).get("shared-name")).isEqualTo("from a");
	}

	@Test
	void explicitNamespaceIsSharedAndSeparateFromWorkerIds() {
		KvBinding orders = this.kv.namespace("orders-" + this.a);
		orders.put("k", "v");
		assertThat(this.kv.namespace("orders-" + this.a).get("k")).isEqualTo("v");
		assertThat(worker("orders-" + this.a).get("k")).isNull();
	}

	@Test
	void likeWildcardsInPrefixesAreLiteral() {
		KvNamespace ns = worker(this.a);
		ns.put("a%b", "1");
		ns.put("axb", "2");
		ns.put("a_c", "3");
		assertThat(ns.list("a%")).containsExactly("a%b");
		assertThat(ns.list("a_")).containsExactly("a_c");
	}

	@Test
	void keyAndValueSizesAreBounded() {
		KvNamespace ns = worker(this.a);
		assertThatIllegalArgumentException().isThrownBy(() -> ns.put("k".repeat(17), "v"))
			.withMessage("a key is 17 bytes, over the limit of 16 (worker-loader.kv.max-key-size)");
		assertThatIllegalArgumentException().isThrownBy(() -> ns.put("k", "é".repeat(17)))
			.withMessage("the value of key 'k' is 34 bytes, over the limit of 32 (worker-loader.kv.max-value-size)");
		assertThat(ns.list("")).isEmpty();
	}

	@Test
	void keysPerNamespaceAreBoundedAndOverwritesDoNotCount() {
		KvNamespace ns = worker(this.a);
		for (int i = 0; i < 5; i++) {
			ns.put("k" + i, "v");
			ns.put("k" + i, "w");
		}
		assertThatExceptionOfType(KvLimitExceededException.class).isThrownBy(() -> ns.put("k5", "v"))
			.withMessage("KV namespace 'worker:" + this.a + "' would hold 6 keys, over the limit of 5"
					+ " (worker-loader.kv.max-keys); nothing was written. Delete keys first.");
		ns.delete("k0");
		ns.put("k5", "v");
		assertThat(ns.list("")).hasSize(5);
		// Another namespace has its own allowance.
		worker(this.b).put("k0", "v");
	}

	@Test
	void bytesPerNamespaceAreBounded() {
		KvNamespace ns = worker(this.a);
		ns.put("a", "x".repeat(32));
		ns.put("b", "x".repeat(32));
		ns.put("c", "x".repeat(32));
		ns.put("d", "x".repeat(32));
		assertThatExceptionOfType(KvLimitExceededException.class).isThrownBy(() -> ns.put("e", "x".repeat(32)))
			.withMessageContaining("would hold 165 bytes, over the limit of 150")
			.withMessageContaining("worker-loader.kv.max-bytes");
		assertThat(ns.get("e")).isNull();
	}

	@Test
	void failingBatchRollsBackEarlierOperations() {
		KvNamespace ns = worker(this.a);
		ns.put("keep", "1");
		ns.put("gone", "2");
		// The last put takes the namespace over 5 keys: the delete and the puts before it
		// are undone.
		List<KvOp> ops = List.of(KvOp.delete("keep"), KvOp.put("n1", "x"), KvOp.put("n2", "x"), KvOp.put("n3", "x"),
				KvOp.put("n4", "x"), KvOp.put("n5", "x"));
		assertThatExceptionOfType(KvLimitExceededException.class).isThrownBy(() -> ns.batch(ops))
			.withMessageContaining("would hold 6 keys");
		assertThat(ns.list("")).containsExactly("gone", "keep");
		assertThat(ns.get("keep")).isEqualTo("1");
	}

	@Test
	void invalidOperationInABatchWritesNothing() {
		KvNamespace ns = worker(this.a);
		List<KvOp> ops = List.of(KvOp.put("ok", "1"), new KvOp("truncate", "ok", null));
		assertThatIllegalArgumentException().isThrownBy(() -> ns.batch(ops))
			.withMessage("batch operation 1: unknown operation 'truncate': use 'put' or 'delete'; nothing was written");
		assertThat(ns.get("ok")).isNull();
	}

	@Test
	void successfulBatchAppliesEverything() {
		KvNamespace ns = worker(this.a);
		ns.put("old", "1");
		ns.batch(List.of(KvOp.put("x", "1"), KvOp.put("y", "2"), KvOp.delete("old")));
		assertThat(ns.list("")).containsExactly("x", "y");
	}

	@Test
	void concurrentWritersCannotExceedTheKeyLimit() throws Exception {
		KvNamespace ns = worker(this.a);
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			List<Future<Boolean>> results = new ArrayList<>();
			for (int i = 0; i < 12; i++) {
				String key = "c" + i;
				results.add(executor.submit(() -> {
					try {
						ns.put(key, "v");
						return true;
					}
					catch (KvLimitExceededException ex) {
						return false;
					}
				}));
			}
			long stored = 0;
			for (Future<Boolean> result : results) {
				stored += result.get(60, TimeUnit.SECONDS) ? 1 : 0;
			}
			assertThat(stored).isEqualTo(5);
			assertThat(ns.list("")).hasSize(5);
		}
		finally {
			executor.shutdownNow();
		}
	}

}
