package dev.workerloader.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import dev.workerloader.Entrypoint;
import dev.workerloader.Invocation;
import dev.workerloader.LogEntry;
import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerAccessDeniedException;
import dev.workerloader.WorkerClosedException;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerListener;
import dev.workerloader.WorkerLoadException;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.jspecify.annotations.Nullable;

/**
 * A worker: one sandbox context, its evaluated modules and its {@code env}. All guest
 * code runs on the loader's sandbox threads through a per-worker serial executor, so one
 * thread at a time touches the context. Host work that completes later (async bindings)
 * is queued in the worker's inbox and run by the invocation that awaits it, on the
 * sandbox thread.
 *
 * @author Worker Loader team
 */
final class SandboxWorker implements Worker {

	private static final Runnable WAKE_UP = () -> {
	};

	private final GraalWorkerLoader loader;

	private final String id;

	private final WorkerPolicy policy;

	private final String codeHash;

	private final SandboxContext sandbox;

	private final SandboxThreads.SerialExecutor serial;

	private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();

	private final AtomicInteger pendingHostCalls = new AtomicInteger();

	private final AtomicReference<@Nullable Kill> kill = new AtomicReference<>();

	private final AtomicBoolean killCounted = new AtomicBoolean();

	private final long createdNanos = System.nanoTime();

	private final AtomicLong invocations = new AtomicLong();

	private volatile @Nullable String lastOutcome;

	private volatile boolean closed;

	/** Whether a binding call of the running invocation was denied for the caller. */
	private volatile boolean accessDenied;

	/** The sandbox thread running one of this worker's tasks, if any (issue 8). */
	private volatile @Nullable Thread runner;

	/**
	 * What the running task owes its caller, answered early if its thread is abandoned
	 * (issue 13).
	 */
	private volatile @Nullable CompletableFuture<?> answer;

	/** Listens to nothing: for the start-up warm-up's synthetic workers. */
	private static final WorkerListener SILENT = new WorkerListener() {
	};

	private volatile boolean synthetic;

	/** The listener scope of the running invocation, finished exactly once. */
	private volatile @Nullable Finish finish;

	private @Nullable Value namespace;

	private @Nullable Value env;

	private @Nullable Runnable onClose;

	private @Nullable String clientId;

	private @Nullable String namedClientId;

	private Redactor redactor = Redactor.NONE;

	/** The worker's timers, fired by the invocation that awaits its result (issue 19). */
	private final GuestTimers timers;

	/** The lowest of the policy's limits and the code's (issue 19). */
	private WorkerLimits limits;

	SandboxWorker(GraalWorkerLoader loader, String id, WorkerPolicy policy, String codeHash, SandboxContext sandbox,
			SandboxThreads.SerialExecutor serial) {
		this.loader = loader;
		this.id = id;
		this.policy = policy;
		this.codeHash = codeHash;
		this.sandbox = sandbox;
		this.serial = serial;
		this.timers = new GuestTimers(id, policy.name());
		this.limits = policy.limits();
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public String policy() {
		return this.policy.name();
	}

	String codeHash() {
		return this.codeHash;
	}

	WorkerLimits limits() {
		return this.limits;
	}

	/**
	 * Lowers the worker's limits below its policy's, for the limits its code asks for
	 * (issue 19). Called once, before the worker starts.
	 */
	void codeLimits(WorkerLimits limits) {
		this.limits = this.policy.limits().lowest(limits);
	}

	Duration age() {
		return Duration.ofNanos(System.nanoTime() - this.createdNanos);
	}

	long invocationCount() {
		return this.invocations.get();
	}

	@Nullable String lastOutcome() {
		return this.lastOutcome;
	}

	void clientId(@Nullable String clientId, @Nullable String namedClientId) {
		this.clientId = clientId;
		this.namedClientId = namedClientId;
	}

	/**
	 * Returns the client the worker's code names, if any (not one resolved from the
	 * caller).
	 */
	@Nullable String namedClientId() {
		return this.namedClientId;
	}

	@Nullable String clientId() {
		return this.clientId;
	}

	/**
	 * Sets the secrets of the worker's policy, redacted from every text leaving the
	 * sandbox (issue 12). Called once, before the worker starts.
	 */
	void redactor(Redactor redactor) {
		this.redactor = redactor;
		this.sandbox.logSink.redactor(redactor);
	}

	Redactor redactor() {
		return this.redactor;
	}

	void onClose(Runnable onClose) {
		this.onClose = onClose;
	}

	/**
	 * Mounts the modules, builds {@code env} and evaluates the main module, on a sandbox
	 * thread, under the worker's quotas. Blocks until done.
	 */
	void start(Map<String, String> modules, List<Source> parseFirst, Source mainSource, String envJson,
			String bindingsJson, BindingHost bindingHost) {
		this.sandbox.fileSystem.mount(modules);
		try {
			submit(CallerContext.capture(), () -> {
				Value runtime = this.sandbox.runtime;
				runtime.invokeMember("installTimers", this.timers);
				this.env = runtime.invokeMember("makeEnv", envJson, bindingsJson, bindingHost, this.id,
						this.policy.name());
				Watchdog.Watch watch = this.loader.watchdog().start(this, limits());
				this.sandbox.logSink.begin(limits().logSize());
				try {
					// Syntax check of every module without running any (issue 4): an
					// error in a
					// module that is imported late, or not at all, is reported with its
					// location.
					for (Source source : parseFirst) {
						this.sandbox.context.parse(source);
					}
					this.namespace = this.sandbox.context.eval(mainSource);
					requireEvaluated(this.namespace);
				}
				catch (PolyglotException ex) {
					throw translate(ex, watch, true);
				}
				catch (StackOverflowError ex) {
					throw new WorkerLoadException(this.id,
							"Worker '" + this.id + "' could not be parsed: its code is"
									+ " nested too deeply for the parser. Flatten it, or lower "
									+ QuotaProperties.limit(this.policy.name(), "nesting-depth") + ".");
				}
				finally {
					watch.stop();
					this.sandbox.logSink.end();
				}
				requireNotKilled(watch);
				return null;
			}).get();
		}
		catch (ExecutionException ex) {
			close();
			throw unwrap(new CompletionException(ex.getCause()));
		}
		catch (InterruptedException ex) {
			// Interruptible, like Entrypoint.invoke: a binding loading a worker must not
			// block
			// its own kill (issue 8).
			Thread.currentThread().interrupt();
			close();
			throw new WorkerClosedException(this.id, "Loading worker '" + this.id + "' was interrupted");
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
	}

	/**
	 * Refuses a main module whose evaluation has not finished: a top-level {@code await}
	 * that nothing will settle leaves its exports uninitialized, and every call would
	 * fail with an engine error (issue 13). Host calls cannot complete while modules
	 * load, so "not finished" here means "never".
	 */
	private void requireEvaluated(Value namespace) {
		try {
			for (String key : namespace.getMemberKeys()) {
				namespace.getMember(key);
			}
		}
		catch (PolyglotException ex) {
			if (ex.isCancelled() || ex.isInterrupted() || ex.isResourceExhausted()) {
				throw ex;
			}
			throw new WorkerLoadException(this.id, "Worker '" + this.id + "' never finished evaluating its"
					+ " modules: a top-level await waits for something that never settles (host calls and"
					+ " timers cannot complete while modules load). Move the await into a method of the export.");
		}
	}

	@Override
	public Entrypoint getEntrypoint(String name, Map<String, ?> props) {
		return new SandboxEntrypoint(this, name, this.loader.codec().toJson(props), null);
	}

	@Override
	public Entrypoint getEntrypoint(String name, Map<String, ?> props, WorkerLimits limits) {
		java.util.Objects.requireNonNull(limits, "'limits' must not be null");
		CallLimits.check(this.id, this.policy.name(), limits(), limits);
		return new SandboxEntrypoint(this, name, this.loader.codec().toJson(props), limits);
	}

	@Override
	public <T> T getEntrypoint(String name, Class<T> type) {
		return TypedEntrypoint.create(getEntrypoint(name, Map.of()), type, this.loader.codec());
	}

	CompletableFuture<Invocation> invokeAsync(String exportName, String method, @Nullable Object param,
			String propsJson) {
		return invokeAsync(exportName, method, param, propsJson, "call", null);
	}

	/**
	 * Calls an export's method; in {@code "fetch"} mode the parameter is an HTTP request
	 * the guest receives as a {@code Request}, and the result is its {@code Response} as
	 * data (issue 19).
	 */
	CompletableFuture<Invocation> invokeAsync(String exportName, String method, @Nullable Object param,
			String propsJson, String mode, @Nullable WorkerLimits callLimits) {
		try {
			if (!this.synthetic) {
				this.loader.hostServices().beforeCall(this, this.policy);
			}
		}
		catch (WorkerException ex) {
			// A refused call never runs, but operators see it: observation, audit,
			// metrics.
			listener()
				.invocationStarted(new WorkerListener.InvocationStart(this.id, this.policy.name(), this.clientId,
						this.codeHash, exportName, method))
				.finished(new WorkerListener.InvocationEnd(WorkerListener.outcomeOf(ex), null, ex.getName(),
						Duration.ZERO, Duration.ZERO, 0));
			return CompletableFuture.failedFuture(ex);
		}
		String paramJson = (param != null) ? this.loader.codec().toJson(param) : null;
		// Captured on the caller's thread: its security context, observation and MDC
		// reach the guest, its bindings and its fetches on the sandbox threads (issue
		// 15).
		CallerContext caller = CallerContext.capture();
		return submit(caller, () -> invoke(exportName, method, paramJson, propsJson, mode, callLimits));
	}

	private <T> CompletableFuture<T> submit(CallerContext caller, Supplier<T> task) {
		if (this.closed) {
			return CompletableFuture.failedFuture(closedException());
		}
		if (this.runner == Thread.currentThread()) {
			// A binding of this worker calls the worker again: the call would queue
			// behind
			// the running one, which waits for it, forever (issue 8).
			return CompletableFuture.failedFuture(new IllegalStateException("Worker '" + this.id
					+ "' was called from one of its own bindings while it runs; a worker cannot wait for itself."
					+ " Call another worker, or return the work to the caller instead"));
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		try {
			this.serial.execute(() -> {
				// Closing a context interrupts its thread (a kill during a blocking host
				// call);
				// a binding that restored the flag must not fail the next task on this
				// thread.
				Thread.interrupted();
				if (this.closed) {
					// Queued behind a task whose thread was abandoned: never touch the
					// context from a second thread.
					result.completeExceptionally(closedException());
					return;
				}
				this.runner = Thread.currentThread();
				this.answer = result;
				@Nullable T value = null;
				@Nullable Throwable failure = null;
				try {
					CallerContext.Restored restored = caller.restore();
					try {
						value = task.get();
					}
					finally {
						restored.close();
					}
				}
				catch (Throwable ex) {
					failure = ex;
				}
				finally {
					this.answer = null;
					this.runner = null;
				}
				// Completed once the caller's context is cleared from this thread.
				if (failure != null) {
					result.completeExceptionally(failure);
				}
				else {
					result.complete(value);
				}
			});
		}
		catch (RuntimeException ex) {
			result.completeExceptionally(new WorkerClosedException(this.id,
					"Worker '" + this.id + "' could not be scheduled: the loader is shut down"));
		}
		return result;
	}

	private Invocation invoke(String exportName, String method, @Nullable String paramJson, String propsJson,
			String mode, @Nullable WorkerLimits callLimits) {
		WorkerListener listener = listener();
		WorkerListener.InvocationScope scope = listener.invocationStarted(new WorkerListener.InvocationStart(this.id,
				this.policy.name(), this.clientId, this.codeHash, exportName, method));
		Finish once = new Finish(scope, System.nanoTime());
		this.finish = once;
		try {
			Invocation invocation = runInvocation(exportName, method, paramJson, propsJson, mode, callLimits);
			if (once.claim()) {
				guestLogs(listener, invocation.logs());
				scope.finished(new WorkerListener.InvocationEnd(WorkerListener.SUCCESS, null, null,
						invocation.cpuTime(), invocation.wallTime(), invocation.allocatedBytes()));
			}
			return invocation;
		}
		catch (WorkerException ex) {
			if (once.claim()) {
				guestLogs(listener, ex.getLogs());
				once.failed(ex);
			}
			throw ex;
		}
		catch (RuntimeException | Error ex) {
			// Listeners hold thread-bound state (the observation scope): always end it.
			if (once.claim()) {
				scope.finished(new WorkerListener.InvocationEnd(WorkerListener.GUEST_ERROR, null, "Error",
						Duration.ZERO, Duration.ofNanos(System.nanoTime() - once.startNanos), 0));
			}
			throw ex;
		}
		finally {
			this.finish = null;
		}
	}

	/**
	 * Gives up on the sandbox thread of a killed invocation that did not stop within the
	 * grace (issue 13): answers its caller now with the quota exceeded, finishes its
	 * observation and audit, and lets the loader replace the thread. Called on the
	 * watchdog thread; never blocks.
	 * @param thread the stuck thread
	 * @param sinceKill nanoseconds since the kill
	 */
	void abandon(Thread thread, long sinceKill) {
		WorkerQuotaExceededException ex = quotaException(this.kill.get());
		this.loader.threadAbandoned(this, thread, ex.kind(), sinceKill);
		Finish once = this.finish;
		if (once != null && once.claim()) {
			once.failed(ex);
		}
		CompletableFuture<?> owed = this.answer;
		if (owed != null) {
			owed.completeExceptionally(ex);
		}
		this.serial.abandonActive();
		closeKilled();
	}

	private void guestLogs(WorkerListener listener, List<LogEntry> logs) {
		for (LogEntry entry : logs) {
			listener.guestLog(this.id, this.policy.name(), entry);
		}
	}

	private Invocation runInvocation(String exportName, String method, @Nullable String paramJson, String propsJson,
			String mode, @Nullable WorkerLimits callLimits) {
		if (this.closed) {
			throw closedException();
		}
		this.invocations.incrementAndGet();
		this.accessDenied = false;
		// Issue 19: a call can lower the limits, never raise them.
		WorkerLimits limits = (callLimits != null) ? limits().lowest(callLimits) : limits();
		this.sandbox.logSink.begin(limits.logSize());
		Settlement settlement = new Settlement();
		Watchdog.Watch watch = this.loader.watchdog().start(this, limits);
		this.timers.begin();
		try {
			String status = this.sandbox.runtime
				.invokeMember("invoke", this.namespace, exportName, method, paramJson, this.env, propsJson, settlement,
						limits.output(), mode)
				.asString();
			if ("no-export".equals(status)) {
				throw new WorkerLoadException(this.id, "Worker '" + this.id + "' has no export '" + exportName
						+ "': its main module exports " + exportNames() + ". Export it, or call one of those.");
			}
			if ("no-method".equals(status)) {
				throw new WorkerLoadException(this.id,
						"Worker '" + this.id + "' export '" + exportName + "' has no method '" + method
								+ "'. Define it as a method of that export, e.g." + " export default { async " + method
								+ "(param, env, ctx) { ... } }.");
			}
			awaitSettlement(settlement, method);
			if (settlement.outputExceeded) {
				// The serialiser stopped at the quota: the full size is not known, only
				// that
				// it is over (issue 13).
				kill(QuotaKind.OUTPUT, limits.output(), limits.output() + 1);
				throw quotaException(this.kill.get());
			}
			if (!settlement.ok) {
				// Redacted before clipping: a clip must not leave half a secret.
				String name = GuestErrors.clipName(this.redactor.redact(settlement.errorName));
				String message = GuestErrors.clip(this.redactor.redact(settlement.errorMessage));
				String stack = GuestErrors.cleanStack(this.redactor.redact(settlement.errorStack));
				if (this.accessDenied && WorkerAccessDeniedException.GUEST_ERROR_NAME.equals(settlement.errorName)) {
					throw new WorkerAccessDeniedException(this.id, message, stack);
				}
				throw new WorkerException(this.id, name, message, stack);
			}
			String json = settlement.json;
			long outputBytes = (json != null) ? json.length() : 0;
			if (outputBytes > limits.output()) {
				kill(QuotaKind.OUTPUT, limits.output(), outputBytes);
				throw quotaException(this.kill.get());
			}
			if (json != null && !this.policy.revealSecretsInResults()) {
				// The JSON forms of a secret are replaced in the JSON text, which stays
				// valid: REDACTED needs no escaping.
				json = this.redactor.redact(json);
			}
			Object value = readResult(json, method);
			requireNotKilled(watch);
			LogSink.Buffer logs = this.sandbox.logSink.end();
			this.lastOutcome = WorkerListener.SUCCESS;
			return new Invocation(value, logs.entries(), logs.truncated(), Duration.ofNanos(watch.cpuTime()),
					Duration.ofNanos(watch.wallTime()), watch.allocated());
		}
		catch (PolyglotException ex) {
			throw withLogs(translate(ex, watch, false));
		}
		catch (WorkerException ex) {
			Kill killed = (ex instanceof WorkerQuotaExceededException) ? null : killedDuring(watch);
			// A guest error on the way out of a killed invocation: the kill is the
			// answer.
			throw withLogs((killed != null) ? quotaException(killed) : ex);
		}
		catch (IllegalStateException ex) {
			// The context was closed under us (close() or a kill while waiting).
			Kill killed = this.kill.get();
			throw withLogs((killed != null) ? quotaException(killed) : closedException());
		}
		finally {
			endTimers();
			watch.stop();
			if (watch.killing) {
				this.loader.killLatency(this, System.nanoTime() - watch.killedAtNanos);
			}
		}
	}

	/**
	 * Reads a result the guest serialised. What the codec refuses (nested too deeply,
	 * over-long keys or numbers) is the guest's error, typed, never a raw Jackson
	 * exception (issue 13).
	 */
	private @Nullable Object readResult(@Nullable String json, String method) {
		try {
			return this.loader.codec().fromJson(json);
		}
		catch (tools.jackson.core.JacksonException ex) {
			throw new WorkerException(this.id, "RangeError", "The result of '" + method + "' cannot be returned: "
					+ ValueCodec.describe(ex) + ". Return a flatter, smaller value.", "");
		}
	}

	private WorkerException withLogs(WorkerException ex) {
		List<LogEntry> logs = this.sandbox.logSink.end().entries();
		this.lastOutcome = WorkerListener.outcomeOf(ex);
		return logs.isEmpty() ? ex : ex.withLogs(logs);
	}

	private void awaitSettlement(Settlement settlement, String method) {
		while (!settlement.done) {
			checkKilled();
			Runnable task = this.inbox.poll();
			if (task == null) {
				long now = System.nanoTime();
				int due = this.timers.takeDue(now);
				if (due != 0) {
					// Issue 19: a due timer runs when no host work is waiting; its
					// microtasks drain before the call returns, as on an event loop.
					this.sandbox.runtime.invokeMember("fireTimer", due);
					continue;
				}
				long untilTimer = this.timers.nanosUntilNext(now);
				if (this.pendingHostCalls.get() == 0 && this.inbox.isEmpty() && untilTimer == Long.MAX_VALUE) {
					throw new WorkerException(this.id, "Error",
							"The Promise returned by '" + method
									+ "' can never settle: it awaits something no host call or timer will complete",
							"");
				}
				try {
					// The watchdog ends a wait past the wall-time limit (close() wakes
					// us).
					task = this.inbox.poll(Math.min(untilTimer, limits().wallTime().toNanos()), TimeUnit.NANOSECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw closedException();
				}
				if (task == null) {
					continue;
				}
			}
			checkKilled();
			task.run();
		}
	}

	/**
	 * Drops the timers of the invocation that ends: none of them reaches the next
	 * invocation of a kept worker (issue 19).
	 */
	private void endTimers() {
		if (this.timers.end() && !this.closed) {
			try {
				this.sandbox.runtime.invokeMember("dropTimers");
			}
			catch (PolyglotException | IllegalStateException ex) {
				// The context was closed or killed meanwhile: nothing is left to drop.
			}
		}
	}

	private void checkKilled() {
		Kill killed = this.kill.get();
		if (killed != null) {
			throw quotaException(killed);
		}
		if (this.closed) {
			throw closedException();
		}
	}

	/**
	 * Runs {@code task} later on this worker's sandbox thread, inside the invocation that
	 * awaits it. Called from any thread when host work completes.
	 */
	void post(Runnable task) {
		this.inbox.add(task);
	}

	/** Called on the sandbox thread when a binding refused the caller. */
	void accessDenied() {
		this.accessDenied = true;
	}

	void hostCallStarted() {
		this.pendingHostCalls.incrementAndGet();
	}

	void hostCallFinished() {
		this.pendingHostCalls.decrementAndGet();
	}

	Value runtime() {
		return this.sandbox.runtime;
	}

	WorkerListener listener() {
		return this.synthetic ? SILENT : this.loader.listener();
	}

	/**
	 * Marks this worker as part of the loader's start-up warm-up (issue 18): its loads,
	 * invocations and logs reach no listener and no rate limit.
	 */
	void synthetic() {
		this.synthetic = true;
	}

	private WorkerException translate(PolyglotException ex, Watchdog.Watch watch, boolean loading) {
		Kill killed = this.kill.get();
		if (killed != null) {
			return quotaException(killed);
		}
		if (ex.isResourceExhausted() && this.sandbox.statementLimit > 0
				&& String.valueOf(ex.getMessage()).contains("Statement count limit")) {
			Kill statements = new Kill(QuotaKind.STATEMENTS, this.sandbox.statementLimit, this.sandbox.statementLimit);
			kill(statements.kind, statements.limit, statements.used);
			return quotaException(statements);
		}
		if (ex.isResourceExhausted() && loading && !isOutOfMemory(ex)) {
			// The parser ran out of stack on a giant flat expression that the nesting
			// check
			// cannot see; not a memory kill (issue 8).
			return new WorkerLoadException(this.id, "Worker '" + this.id + "' could not be parsed: an expression is"
					+ " too long or deep for the parser. Split it into smaller statements.");
		}
		if (ex.isResourceExhausted()) {
			// The JVM ran out of memory inside the guest (one allocation larger than the
			// free
			// heap): report the heap as the limit, since the budget was not reached.
			long allocated = watch.allocated();
			kill(QuotaKind.MEMORY, Runtime.getRuntime().maxMemory(), allocated, QuotaProperties.HEAP_GUARD_THRESHOLD);
			return quotaException(this.kill.get());
		}
		if (ex.isCancelled() || ex.isInterrupted() || this.closed) {
			return closedException();
		}
		if (loading) {
			if (!ex.isGuestException() && !ex.isSyntaxError()) {
				this.loader.logHostFailure(this.id, ex, this.redactor);
			}
			return GuestErrors.loadFailure(this.id, ex, this.redactor);
		}
		if (ex.isHostException()) {
			this.loader.logHostFailure(this.id, ex.asHostException(), this.redactor);
			return new WorkerException(this.id, "Error", "A host call failed", "");
		}
		if (!ex.isGuestException()) {
			// An engine failure: its message names engine classes, which the caller must
			// not see (issue 13).
			this.loader.logHostFailure(this.id, ex, this.redactor);
			return new WorkerException(this.id, "InternalError",
					"The sandbox failed while running the worker; the host log has the details", "");
		}
		String message = GuestErrors.clip(this.redactor.redact(String.valueOf(ex.getMessage())));
		return new WorkerException(this.id, "InternalError", message, "");
	}

	private static boolean isOutOfMemory(PolyglotException ex) {
		String message = String.valueOf(ex.getMessage()).toLowerCase(java.util.Locale.ROOT);
		return message.contains("heap") || message.contains("memory") || message.contains("array size");
	}

	private WorkerQuotaExceededException quotaException(@Nullable Kill killed) {
		Kill k = (killed != null) ? killed : new Kill(QuotaKind.WALL_TIME, 0, 0);
		String property = (k.property != null) ? k.property : (k.limit < policyLimit(k.kind))
				? "the limits the worker's code or the call set (WorkerCode.Builder.limits, getEntrypoint(name, props, limits))"
				: QuotaProperties.propertyFor(this.policy.name(), k.kind);
		return new WorkerQuotaExceededException(this.id, this.policy.name(), k.kind, k.limit, k.used, property);
	}

	/** The policy's own limit of a quota, in the unit of a kill. */
	private long policyLimit(QuotaKind kind) {
		WorkerLimits policyLimits = this.policy.limits();
		return switch (kind) {
			case CPU_TIME -> policyLimits.cpuTime().toNanos();
			case WALL_TIME -> policyLimits.wallTime().toNanos();
			case MEMORY -> policyLimits.memory();
			case OUTPUT -> policyLimits.output();
			default -> Long.MAX_VALUE;
		};
	}

	private WorkerClosedException closedException() {
		Kill killed = this.kill.get();
		if (killed != null) {
			return new WorkerClosedException(this.id, "Worker '" + this.id + "' was stopped after exceeding its "
					+ killed.kind + " quota; load it again");
		}
		return new WorkerClosedException(this.id, "Worker '" + this.id + "' is closed; load it again to call it");
	}

	/**
	 * Stops the worker because it exceeded a quota. Safe to call from any thread; the
	 * first kill wins.
	 */
	void kill(QuotaKind kind, long limit, long used) {
		kill(kind, limit, used, null);
	}

	/**
	 * Stops the worker because it exceeded a limit that another property than the
	 * policy's quota sets (the heap guard). Safe to call from any thread; the first kill
	 * wins.
	 */
	void kill(QuotaKind kind, long limit, long used, @Nullable String property) {
		if (recordKill(kind, limit, used, property)) {
			closeKilled();
		}
	}

	/**
	 * Records that the worker exceeded a quota, without closing it yet. The first kill
	 * wins.
	 * @return whether this call recorded it
	 */
	boolean recordKill(QuotaKind kind, long limit, long used, @Nullable String property) {
		return this.kill.compareAndSet(null, new Kill(kind, limit, used, property));
	}

	/**
	 * Counts the recorded kill (once) and closes the worker. Closing can wait for a long
	 * built-in to leave the context: never call it while holding a lock.
	 */
	void closeKilled() {
		Kill killed = this.kill.get();
		if (killed != null && this.killCounted.compareAndSet(false, true)) {
			this.loader.quotaKilled(this, killed.kind);
		}
		close();
	}

	/**
	 * Answers the quota recorded while {@code watch} ran, if any: the operation that was
	 * killed reports it even when it finished before its context closed, instead of
	 * succeeding on a worker that is about to close (whose next call would fail as
	 * closed).
	 */
	private void requireNotKilled(Watchdog.Watch watch) {
		Kill killed = killedDuring(watch);
		if (killed != null) {
			throw quotaException(killed);
		}
	}

	/**
	 * Ends {@code watch} and returns the kill recorded while it ran, if any: after
	 * {@link Watchdog.Watch#stop()} no kill of it can be recorded any more.
	 */
	private @Nullable Kill killedDuring(Watchdog.Watch watch) {
		watch.stop();
		return this.kill.get();
	}

	@Nullable QuotaKind killedBy() {
		Kill killed = this.kill.get();
		return (killed != null) ? killed.kind : null;
	}

	@Override
	public boolean isClosed() {
		return this.closed;
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.timers.clear();
		this.inbox.add(WAKE_UP);
		Runnable callback = this.onClose;
		if (callback != null) {
			callback.run();
		}
		this.loader.workerClosed(this);
		// Last: closing a context waits for its thread, which a long built-in can hold
		// for seconds (issue 13).
		this.sandbox.close();
	}

	private String exportNames() {
		try {
			Value ns = this.namespace;
			return (ns != null) ? this.redactor.redact(this.sandbox.runtime.invokeMember("exportNames", ns).asString())
					: "[]";
		}
		catch (PolyglotException ex) {
			return "(unknown)";
		}
	}

	WorkerException unwrap(CompletionException ex) {
		Throwable cause = ex.getCause();
		if (cause instanceof WorkerException workerException) {
			return workerException;
		}
		if (cause instanceof RuntimeException runtime) {
			throw runtime;
		}
		throw ex;
	}

	@Override
	public String toString() {
		return "Worker[id=" + this.id + ", policy=" + this.policy.name() + (this.closed ? ", closed" : "") + "]";
	}

	/**
	 * The listener scope of one invocation, finished by whoever claims it first: the
	 * sandbox thread, or the watchdog when it abandons that thread.
	 */
	private static final class Finish {

		private final WorkerListener.InvocationScope scope;

		private final long startNanos;

		private final AtomicBoolean claimed = new AtomicBoolean();

		Finish(WorkerListener.InvocationScope scope, long startNanos) {
			this.scope = scope;
			this.startNanos = startNanos;
		}

		boolean claim() {
			return this.claimed.compareAndSet(false, true);
		}

		void failed(WorkerException ex) {
			QuotaKind quota = (ex instanceof WorkerQuotaExceededException exceeded) ? exceeded.kind() : null;
			this.scope.finished(new WorkerListener.InvocationEnd(WorkerListener.outcomeOf(ex), quota, ex.getName(),
					Duration.ZERO, Duration.ofNanos(System.nanoTime() - this.startNanos), 0));
		}

	}

	private record Kill(QuotaKind kind, long limit, long used, @Nullable String property) {

		Kill(QuotaKind kind, long limit, long used) {
			this(kind, limit, used, null);
		}

	}

	/**
	 * Receives the outcome of an invocation from the guest runtime: {@code (true, json)}
	 * or {@code (false, name, message, stack)}.
	 */
	private static final class Settlement implements ProxyExecutable {

		boolean done;

		boolean ok;

		boolean outputExceeded;

		@Nullable String json;

		String errorName = "Error";

		String errorMessage = "";

		String errorStack = "";

		@Override
		public @Nullable Object execute(Value... arguments) {
			if (this.done) {
				return null;
			}
			this.done = true;
			if (arguments[0].isString()) {
				this.outputExceeded = true;
				return null;
			}
			this.ok = arguments[0].asBoolean();
			if (this.ok) {
				this.json = arguments[1].isNull() ? null : arguments[1].asString();
			}
			else {
				this.errorName = arguments[1].asString();
				this.errorMessage = arguments[2].asString();
				this.errorStack = arguments[3].asString();
			}
			return null;
		}

	}

}
