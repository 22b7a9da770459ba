package dev.workerloader.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerCode.BindingRef;
import org.jspecify.annotations.Nullable;

/**
 * The workers {@code get(id, ...)} keeps warm (issue 12). A kept worker belongs to one
 * client: it is kept under the resolved client id (the code's explicit client id, or the
 * caller's principal) and the worker id, so two clients never share one. Within a client
 * the id is the identity, as in Cloudflare's {@code LOADER.get}: the supplier form calls
 * its supplier only when nothing is kept under the id; the eager form compares the code's
 * full identity (code hash, policy, env values, binding objects, outbound handler) and
 * keeps one worker per identity.
 * <p>
 * The set is bounded by a Caffeine cache ({@code maxWorkers}, {@code idleTimeout}); a
 * worker is closed when it leaves the cache, and evictions are counted. Loads of one id
 * are serialised by a fixed set of lock stripes, which never grows. Thread-safe.
 *
 * @author Worker Loader team
 */
final class KeptWorkers implements AutoCloseable {

	private static final int STRIPES = 256;

	private final Cache<Slot, SandboxWorker> workers;

	/** The slot the supplier form last loaded under each (client, id). */
	private final Map<Scope, Slot> latest = new ConcurrentHashMap<>();

	private final Object[] locks = new Object[STRIPES];

	private final AtomicLong evictions = new AtomicLong();

	private final ScheduledExecutorService scheduler;

	KeptWorkers(long maxWorkers, Duration idleTimeout) {
		for (int i = 0; i < STRIPES; i++) {
			this.locks[i] = new Object();
		}
		this.scheduler = Executors.newSingleThreadScheduledExecutor(CleanThreads.factory("worker-loader-kept", 0));
		this.workers = Caffeine.newBuilder()
			.maximumSize(maxWorkers)
			.expireAfterAccess(idleTimeout)
			.scheduler(Scheduler.forScheduledExecutorService(this.scheduler))
			// Removal work runs on the thread that caused it (or the scheduler's), never
			// on a shared pool that may have picked up a caller's thread-locals.
			.executor(Runnable::run)
			.removalListener(this::removed)
			.build();
	}

	/**
	 * Returns the worker kept under ({@code clientId}, {@code id}), calling
	 * {@code supplier} and {@code loader} only when there is none.
	 */
	SandboxWorker get(@Nullable String clientId, String id, Supplier<WorkerCode> supplier,
			Function<WorkerCode, SandboxWorker> loader) {
		Scope scope = new Scope(clientId, id);
		SandboxWorker kept = liveWorker(this.latest.get(scope));
		if (kept != null) {
			return kept;
		}
		synchronized (lock(scope)) {
			kept = liveWorker(this.latest.get(scope));
			if (kept != null) {
				return kept;
			}
			WorkerCode code = Objects.requireNonNull(supplier.get(),
					() -> "The code supplier of worker '" + id + "' returned null");
			String owner = (code.clientId() != null) ? code.clientId() : clientId;
			Slot slot = new Slot(new Scope(owner, id), Identity.of(code));
			SandboxWorker worker = liveOrLoad(slot, code, loader);
			this.latest.put(scope, slot);
			return worker;
		}
	}

	/**
	 * Returns the worker kept under ({@code clientId}, {@code id}) with the identity of
	 * {@code code}, loading it with {@code loader} when there is none.
	 */
	SandboxWorker get(@Nullable String clientId, String id, WorkerCode code,
			Function<WorkerCode, SandboxWorker> loader) {
		Scope scope = new Scope(clientId, id);
		Slot slot = new Slot(scope, Identity.of(code));
		SandboxWorker kept = liveWorker(slot);
		if (kept != null) {
			return kept;
		}
		synchronized (lock(scope)) {
			SandboxWorker worker = liveOrLoad(slot, code, loader);
			this.latest.put(scope, slot);
			return worker;
		}
	}

	private SandboxWorker liveOrLoad(Slot slot, WorkerCode code, Function<WorkerCode, SandboxWorker> loader) {
		SandboxWorker kept = liveWorker(slot);
		if (kept != null) {
			return kept;
		}
		SandboxWorker worker = loader.apply(code);
		// A worker that closes itself (a quota kill) leaves the set at once.
		worker.onClose(() -> this.workers.asMap().remove(slot, worker));
		this.workers.put(slot, worker);
		return worker;
	}

	private @Nullable SandboxWorker liveWorker(@Nullable Slot slot) {
		if (slot == null) {
			return null;
		}
		SandboxWorker worker = this.workers.getIfPresent(slot);
		return (worker != null && !worker.isClosed()) ? worker : null;
	}

	private Object lock(Scope scope) {
		return this.locks[Math.floorMod(scope.hashCode(), STRIPES)];
	}

	private void removed(@Nullable Slot slot, @Nullable SandboxWorker worker, RemovalCause cause) {
		if (cause.wasEvicted()) {
			this.evictions.incrementAndGet();
		}
		if (slot != null) {
			this.latest.values().removeIf(slot::equals);
		}
		if (worker != null) {
			worker.close();
		}
	}

	/**
	 * Closes and forgets every worker kept under {@code id}, for every client.
	 * @return whether an open worker was kept under it
	 */
	boolean evict(String id) {
		boolean any = false;
		for (Slot slot : List.copyOf(this.workers.asMap().keySet())) {
			if (slot.scope.id.equals(id)) {
				SandboxWorker worker = this.workers.asMap().get(slot);
				if (worker != null) {
					// Before removing: the removal listener closes it.
					any |= !worker.isClosed();
					this.workers.asMap().remove(slot, worker);
					worker.close();
				}
			}
		}
		this.latest.keySet().removeIf((scope) -> scope.id.equals(id));
		return any;
	}

	int size() {
		this.workers.cleanUp();
		return this.workers.asMap().size();
	}

	long evictions() {
		return this.evictions.get();
	}

	Set<String> ids() {
		Set<String> ids = new TreeSet<>();
		for (Slot slot : this.workers.asMap().keySet()) {
			ids.add(slot.scope.id);
		}
		return ids;
	}

	List<SandboxWorker> workers(String id) {
		List<SandboxWorker> result = new ArrayList<>();
		this.workers.asMap().forEach((slot, worker) -> {
			if (slot.scope.id.equals(id)) {
				result.add(worker);
			}
		});
		result.sort(Comparator.comparing(SandboxWorker::age).reversed());
		return result;
	}

	@Override
	public void close() {
		this.workers.invalidateAll();
		this.workers.cleanUp();
		this.latest.clear();
		this.scheduler.shutdownNow();
	}

	/** A client's view of one id; the client is {@code null} when none is known. */
	private record Scope(@Nullable String clientId, String id) {
	}

	private record Slot(Scope scope, Identity identity) {
	}

	/**
	 * Everything that makes two codes the same worker: the code hash, the policy, the
	 * client the code names, env data by value, bindings by name, target object (by
	 * reference) and exposed type, and the outbound handler (by reference).
	 */
	private static final class Identity {

		private final String codeHash;

		private final String policy;

		private final @Nullable String clientId;

		private final Map<String, Object> env;

		private final @Nullable Object outbound;

		private Identity(WorkerCode code) {
			this.codeHash = code.sha256();
			this.policy = code.policy();
			this.clientId = code.clientId();
			Map<String, Object> env = new TreeMap<>();
			code.env()
				.forEach((name, value) -> env.put(name, (value instanceof BindingRef ref)
						? new BindingKey(ref.name(), ref.target(), ref.exposedAs()) : new DataKey(value)));
			this.env = env;
			this.outbound = code.globalOutbound();
		}

		static Identity of(WorkerCode code) {
			return new Identity(code);
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof Identity that && this.codeHash.equals(that.codeHash)
					&& this.policy.equals(that.policy) && Objects.equals(this.clientId, that.clientId)
					&& this.env.equals(that.env) && this.outbound == that.outbound;
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.codeHash, this.policy, this.clientId, this.env.keySet());
		}

	}

	/** A binding: the same name, the same object and the same exposed type. */
	private record BindingKey(String name, @Nullable Object target, @Nullable Class<?> exposedAs) {

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof BindingKey that && this.name.equals(that.name) && this.target == that.target
					&& this.exposedAs == that.exposedAs;
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.name, System.identityHashCode(this.target));
		}

	}

	/** Env data: equal values (records, maps, lists, strings, numbers) are the same. */
	private record DataKey(@Nullable Object value) {
	}

}
