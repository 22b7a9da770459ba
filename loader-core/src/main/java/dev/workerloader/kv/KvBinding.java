package dev.workerloader.kv;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import dev.workerloader.WorkerBinding;
import dev.workerloader.binding.PerWorkerBinding;
import org.jspecify.annotations.Nullable;

/**
 * The {@code KV} binding. Registered as a bean, it is scoped per worker: a worker that
 * asks for {@code env("KV")} gets the namespace of its id, {@code worker:<id>}. An
 * explicit namespace shared by several workers is passed as a value:
 * {@code .env("KV", kv.namespace("orders"))}. Either way, the worker's policy must list
 * {@code KV} in its bindings. Key and value sizes are checked here; namespace totals by
 * the store, atomically. Thread-safe.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@WorkerBinding(value = KvBinding.NAME, exposedAs = KvNamespace.class)
public final class KvBinding implements KvNamespace, PerWorkerBinding {

	/**
	 * The binding name.
	 */
	public static final String NAME = "KV";

	private static final Pattern GENERATED_ID = Pattern.compile("worker-\\d+");

	private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_.:@-]{1,200}");

	private final KvStore store;

	private final KvLimits limits;

	private final @Nullable String namespace;

	/**
	 * Creates the binding registered under {@code KV}; each worker gets its own
	 * namespace.
	 * @param store the store
	 * @param limits the bounds
	 */
	public KvBinding(KvStore store, KvLimits limits) {
		this(store, limits, null);
	}

	private KvBinding(KvStore store, KvLimits limits, @Nullable String namespace) {
		this.store = Objects.requireNonNull(store, "'store' must not be null");
		this.limits = Objects.requireNonNull(limits, "'limits' must not be null");
		this.namespace = namespace;
	}

	/**
	 * Returns the binding for an explicit namespace, to pass as
	 * {@code .env("KV", kv.namespace("orders"))}. Every worker given it shares its keys.
	 * @param name the namespace: letters, digits and {@code _.:@-}, at most 200
	 * @return the binding
	 */
	public KvBinding namespace(String name) {
		Objects.requireNonNull(name, "'name' must not be null");
		if (!NAMESPACE.matcher(name).matches()) {
			throw new IllegalArgumentException(
					"KV namespace '" + name + "' is not allowed: use 1 to 200 letters, digits and '_.:@-'");
		}
		return new KvBinding(this.store, this.limits, "ns:" + name);
	}

	@Override
	public Object forWorker(String workerId) {
		if (this.namespace != null) {
			return this;
		}
		if (GENERATED_ID.matcher(workerId).matches()) {
			// A generated id is reused by another worker after a restart: it must not own
			// data.
			throw new IllegalArgumentException("KV is scoped by worker id, and '" + workerId + "' is a generated id"
					+ " that another worker gets after a restart. Name the worker (WorkerCode.builder().name(...) or"
					+ " loader.get(id, ...)), or pass an explicit namespace with .env(\"KV\", kv.namespace(...)).");
		}
		return new KvBinding(this.store, this.limits, "worker:" + workerId);
	}

	/**
	 * Returns the namespace this binding reads and writes.
	 * @return the namespace, or {@code null} for the registered, unscoped binding
	 */
	public @Nullable String namespaceName() {
		return this.namespace;
	}

	@Override
	public @Nullable String get(String key) {
		return this.store.get(scope(), checkKey(key));
	}

	@Override
	public void put(String key, String value) {
		this.store.apply(scope(), List.of(checked(KvOp.put(key, value))), this.limits);
	}

	@Override
	public void delete(String key) {
		this.store.apply(scope(), List.of(KvOp.delete(checkKey(key))), this.limits);
	}

	@Override
	public List<String> list(@Nullable String prefix) {
		return this.store.list(scope(), (prefix != null) ? prefix : "");
	}

	@Override
	public void batch(List<KvOp> ops) {
		String ns = scope();
		if (ops == null || ops.isEmpty()) {
			return;
		}
		if (ops.size() > this.limits.maxBatchSize()) {
			throw new IllegalArgumentException("a batch holds " + ops.size() + " operations, over the limit of "
					+ this.limits.maxBatchSize() + " (worker-loader.kv.max-batch-size); nothing was written");
		}
		for (int i = 0; i < ops.size(); i++) {
			KvOp op = ops.get(i);
			if (op == null) {
				throw new IllegalArgumentException("batch operation " + i + " is empty; nothing was written");
			}
			try {
				checked(op);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(
						"batch operation " + i + ": " + ex.getMessage() + "; nothing was written");
			}
		}
		this.store.apply(ns, List.copyOf(ops), this.limits);
	}

	private KvOp checked(KvOp op) {
		checkKey(op.key());
		if (op.isPut()) {
			if (op.value() == null) {
				throw new IllegalArgumentException("put of key '" + clip(op.key()) + "' needs a string value");
			}
			int size = op.value().getBytes(StandardCharsets.UTF_8).length;
			if (size > this.limits.maxValueSize()) {
				throw new IllegalArgumentException(
						"the value of key '" + clip(op.key()) + "' is " + size + " bytes, over the limit of "
								+ this.limits.maxValueSize() + " (worker-loader.kv.max-value-size)");
			}
		}
		else if (!"delete".equals(op.op())) {
			throw new IllegalArgumentException(
					"unknown operation '" + clip(String.valueOf(op.op())) + "': use 'put' or 'delete'");
		}
		return op;
	}

	private String checkKey(String key) {
		if (key == null || key.isEmpty()) {
			throw new IllegalArgumentException("a key must be a non-empty string");
		}
		int size = key.getBytes(StandardCharsets.UTF_8).length;
		if (size > this.limits.maxKeySize()) {
			throw new IllegalArgumentException("a key is " + size + " bytes, over the limit of "
					+ this.limits.maxKeySize() + " (worker-loader.kv.max-key-size)");
		}
		return key;
	}

	private String scope() {
		if (this.namespace == null) {
			throw new IllegalStateException(
					"KV is not scoped to a worker; it is only reachable through a worker's env");
		}
		return this.namespace;
	}

	private static String clip(String text) {
		return (text.length() > 40) ? text.substring(0, 40) + "..." : text;
	}

	@Override
	public String toString() {
		return "KvBinding[" + ((this.namespace != null) ? this.namespace : "per worker") + "]";
	}

}
