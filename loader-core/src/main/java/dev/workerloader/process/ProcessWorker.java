package dev.workerloader.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import dev.workerloader.Entrypoint;
import dev.workerloader.Invocation;
import dev.workerloader.LogEntry;
import dev.workerloader.Worker;
import dev.workerloader.WorkerClosedException;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerHostFailedException;
import dev.workerloader.WorkerListener;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.ratelimit.ClientRateLimiter;
import dev.workerloader.WorkerRequest;
import dev.workerloader.WorkerResponse;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.sandbox.BindingDispatcher;
import dev.workerloader.sandbox.CallLimits;
import dev.workerloader.sandbox.CallerContexts;
import dev.workerloader.sandbox.FetchGateway;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A worker that runs in a worker host process: every call is one request and one reply on
 * the host's channel (plus one round trip per binding call the guest makes). Calls are
 * serialised, as in-process.
 *
 * @author Worker Loader team
 */
final class ProcessWorker implements Worker {

	private final String id;

	private final String policy;

	private final Calls calls;

	private final WorkerHost host;

	private final long handle;

	private final BindingDispatcher bindings;

	private final Duration timeout;

	private final Executor executor;

	/**
	 * How deep a chain of workers calling (or loading) workers from their bindings may go
	 * on one thread. Each level holds a sandbox thread of its host while its binding
	 * waits, and a host has at least four.
	 */
	static final int MAX_NESTING = 4;

	/** The calls this thread is inside of, each waiting for a binding it runs. */
	private static final ThreadLocal<int[]> NESTING = ThreadLocal.withInitial(() -> new int[1]);

	private final ReentrantLock lock = new ReentrantLock();

	private volatile boolean closed;

	private final AtomicBoolean closing = new AtomicBoolean();

	ProcessWorker(String id, Calls calls, WorkerHost host, long handle, BindingDispatcher bindings, Duration timeout,
			Executor executor) {
		this.id = id;
		this.policy = calls.policy().name();
		this.calls = calls;
		this.host = host;
		this.handle = handle;
		this.bindings = bindings;
		this.timeout = timeout;
		this.executor = executor;
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public String policy() {
		return this.policy;
	}

	WorkerHost host() {
		return this.host;
	}

	@Override
	public Entrypoint getEntrypoint(String name, Map<String, ?> props) {
		Objects.requireNonNull(name, "'name' must not be null");
		Objects.requireNonNull(props, "'props' must not be null");
		return new ProcessEntrypoint(name, props, null);
	}

	@Override
	public Entrypoint getEntrypoint(String name, Map<String, ?> props, WorkerLimits limits) {
		Objects.requireNonNull(name, "'name' must not be null");
		Objects.requireNonNull(props, "'props' must not be null");
		Objects.requireNonNull(limits, "'limits' must not be null");
		CallLimits.check(this.id, this.policy, this.calls.limits(), limits);
		return new ProcessEntrypoint(name, props, limits);
	}

	@Override
	public <T> T getEntrypoint(String name, Class<T> type) {
		return BindingDispatcher.typed(getEntrypoint(name), type, this.host.mapper());
	}

	@Override
	public boolean isClosed() {
		if (!this.closed && !this.host.isAlive()) {
			close();
		}
		return this.closed;
	}

	/**
	 * Closes the worker at once, even while a call runs: not under the call's lock, which
	 * the running call holds until it ends. The host closes its sandbox, which stops the
	 * call there, and the caller gets a {@link WorkerClosedException}, as in-process.
	 */
	@Override
	public void close() {
		if (!this.closing.compareAndSet(false, true)) {
			return;
		}
		boolean alreadyClosed = this.closed;
		this.closed = true;
		if (!alreadyClosed) {
			// Not already lost with its host: the host still holds the worker.
			this.host.released(this.handle);
		}
	}

	/**
	 * Sends one call (or, in {@code fetch} mode, one HTTP request to the export's
	 * {@code fetch} handler) and waits for its reply.
	 */
	private JsonNode request(String entrypoint, JsonNode props, String method, @Nullable Object param,
			@Nullable WorkerLimits limits, @Nullable WorkerRequest httpRequest) {
		if (this.lock.isHeldByCurrentThread()) {
			// A binding of this worker (it runs on the caller's thread) calls the worker
			// again: the host would queue the call behind the running one, which waits
			// for it, until the wall time stops both. Refused at once, as in-process
			// (before the listener hears of a call, which would stay open).
			throw new IllegalStateException("Worker '" + this.id
					+ "' was called from one of its own bindings while it runs; a worker cannot wait for itself."
					+ " Call another worker, or return the work to the caller instead");
		}
		int[] depth = checkNesting(this.id, "called");
		// The same listener events as in-process: observation, metrics, audit, guest
		// logs.
		WorkerListener.InvocationScope scope = this.calls.listener()
			.invocationStarted(new WorkerListener.InvocationStart(this.id, this.policy, this.calls.clientId(),
					this.calls.codeSha256(), entrypoint, method));
		long start = System.nanoTime();
		depth[0]++;
		this.lock.lock();
		try {
			if (this.closed) {
				throw new WorkerClosedException(this.id,
						"Worker '" + this.id + "' is closed. Load it again, or get(id) a kept one.");
			}
			// The client the code names; otherwise whoever calls now (a kept worker is
			// shared), as in-process.
			this.calls.rateLimiter().acquire(this.id, this.calls.policy(), this.calls.namedClientId(), "call");
			ObjectNode request = this.host.frame("call").put("e", entrypoint).put("m", method);
			request.set("props", props);
			request.set("a", this.host.mapper().valueToTree((httpRequest != null) ? httpRequest : param));
			if (httpRequest != null) {
				request.put("mode", "fetch");
			}
			if (limits != null) {
				request.set("l", this.host.mapper().valueToTree(limits));
			}
			JsonNode reply;
			try {
				reply = this.host.request(request, this.handle, this.id, this.timeout, this.bindings,
						this.calls.fetches());
			}
			catch (WorkerHostFailedException ex) {
				this.closed = true;
				throw ex;
			}
			if ("error".equals(reply.path("t").asString())) {
				RuntimeException error = HostErrors.fromFrame(reply, this.id, this.policy);
				if (error instanceof WorkerQuotaExceededException) {
					// The host's sandbox closed the worker it stopped, as in-process: so
					// is this one, and the host no longer counts it.
					close();
				}
				throw error;
			}
			List<LogEntry> logs = logs(reply);
			logs.forEach((entry) -> this.calls.listener().guestLog(this.id, this.policy, entry));
			scope.finished(new WorkerListener.InvocationEnd(WorkerListener.SUCCESS, null, null,
					Duration.ofNanos(reply.path("cpu").asLong()),
					reply.has("wall") ? Duration.ofNanos(reply.path("wall").asLong())
							: Duration.ofNanos(System.nanoTime() - start),
					reply.path("alloc").asLong()));
			return reply;
		}
		catch (WorkerException ex) {
			ex.getLogs().forEach((entry) -> this.calls.listener().guestLog(this.id, this.policy, entry));
			scope.finished(new WorkerListener.InvocationEnd(WorkerListener.outcomeOf(ex),
					(ex instanceof WorkerQuotaExceededException quota) ? quota.kind() : null, ex.getName(),
					Duration.ZERO, Duration.ofNanos(System.nanoTime() - start), 0));
			throw ex;
		}
		catch (RuntimeException ex) {
			scope.finished(new WorkerListener.InvocationEnd(WorkerListener.outcomeOf(ex), null,
					ex.getClass().getSimpleName(), Duration.ZERO, Duration.ofNanos(System.nanoTime() - start), 0));
			throw ex;
		}
		finally {
			this.lock.unlock();
			depth[0]--;
		}
	}

	/**
	 * Refuses a call or load made from a binding of a chain of workers that is already
	 * {@link #MAX_NESTING} deep on this thread. Bindings run on the caller's thread on
	 * this tier, so, unbounded, such a chain grew that thread's stack and the host's
	 * workers until the host died (CRASHED); in-process the sandbox threads bound it.
	 * @param id the worker called or loaded
	 * @param what {@code "called"} or {@code "loaded"}
	 * @return this thread's nesting counter
	 */
	static int[] checkNesting(String id, String what) {
		int[] depth = NESTING.get();
		if (depth[0] >= MAX_NESTING) {
			throw new IllegalStateException("Worker '" + id + "' was " + what + " from a binding of a chain of "
					+ MAX_NESTING + " workers; on the process tier a chain of workers calling workers from their"
					+ " bindings may be at most " + MAX_NESTING + " deep. Return the work to the caller instead of"
					+ " calling the next worker from a binding");
		}
		return depth;
	}

	private static List<LogEntry> logs(JsonNode reply) {
		List<LogEntry> logs = new ArrayList<>();
		for (JsonNode entry : reply.path("logs")) {
			logs.add(new LogEntry(entry.path("l").asString(), entry.path("m").asString()));
		}
		return logs;
	}

	Invocation invoke(String entrypoint, JsonNode props, String method, @Nullable Object param,
			@Nullable WorkerLimits limits) {
		JsonNode reply = request(entrypoint, props, method, param, limits, null);
		List<LogEntry> logs = logs(reply);
		Object value = this.host.mapper().treeToValue(reply.path("v"), Object.class);
		return new Invocation(value, logs, reply.path("truncated").asBoolean(),
				Duration.ofNanos(reply.path("cpu").asLong()), Duration.ofNanos(reply.path("wall").asLong()),
				reply.path("alloc").asLong());
	}

	WorkerResponse fetch(String entrypoint, JsonNode props, WorkerRequest request, @Nullable WorkerLimits limits) {
		JsonNode reply = request(entrypoint, props, "fetch", null, limits, request);
		return this.host.mapper().treeToValue(reply.path("v"), WorkerResponse.class);
	}

	@Override
	public String toString() {
		return "ProcessWorker[" + this.id + ", policy=" + this.policy + ", host=" + this.host.id() + "]";
	}

	/**
	 * What the application applies to each call of the worker: the policy's rate limit
	 * and its egress rules.
	 *
	 * @param policy the worker's policy
	 * @param namedClientId the client the code names, or {@code null}
	 * @param rateLimiter the rate limiter
	 * @param fetches the worker's egress
	 * @param limits the worker's limits: its policy's, lowered by its code
	 * @param listener the application's listeners
	 * @param clientId the client the worker was loaded for, for events
	 * @param codeSha256 the code's hash, for events
	 */
	record Calls(WorkerPolicy policy, @Nullable String namedClientId, ClientRateLimiter rateLimiter,
			FetchGateway.WorkerFetches fetches, WorkerLimits limits, WorkerListener listener, @Nullable String clientId,
			String codeSha256) {
	}

	private final class ProcessEntrypoint implements Entrypoint {

		private final String name;

		/** The props as JSON, built once: every call sends the same, never modified. */
		private final JsonNode props;

		private final @Nullable WorkerLimits limits;

		ProcessEntrypoint(String name, Map<String, ?> props, @Nullable WorkerLimits limits) {
			this.name = name;
			this.props = ProcessWorker.this.host.mapper().valueToTree(Map.copyOf(props));
			this.limits = limits;
		}

		@Override
		public Invocation invoke(String method, @Nullable Object param) {
			Objects.requireNonNull(method, "'method' must not be null");
			return ProcessWorker.this.invoke(this.name, this.props, method, param, this.limits);
		}

		@Override
		public WorkerResponse fetch(WorkerRequest request) {
			Objects.requireNonNull(request, "'request' must not be null");
			return ProcessWorker.this.fetch(this.name, this.props, request, this.limits);
		}

		@Override
		public CompletableFuture<WorkerResponse> fetchAsync(WorkerRequest request) {
			Objects.requireNonNull(request, "'request' must not be null");
			return CompletableFuture.supplyAsync(CallerContexts.withCallersContext(() -> fetch(request)),
					ProcessWorker.this.executor);
		}

		@Override
		public CompletableFuture<Invocation> invokeAsync(String method, @Nullable Object param) {
			Objects.requireNonNull(method, "'method' must not be null");
			// The caller's context goes with the call (issue 15): its bindings see the
			// caller's security context, as on the caller's own thread.
			return CompletableFuture.supplyAsync(CallerContexts.withCallersContext(() -> invoke(method, param)),
					ProcessWorker.this.executor);
		}

		@Override
		public String toString() {
			return "Entrypoint[" + ProcessWorker.this.id + "#" + this.name + "]";
		}

	}

}
