package dev.workerloader;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Hears what a loader does: every load and every invocation with its outcome, and every
 * line of guest console output. Metrics, observations, audit events and guest log
 * forwarding are listeners. Called on the loader's threads (invocations on the sandbox
 * thread), so implementations must be thread-safe and quick, and must not throw.
 * <p>
 * Events carry ids, policy names, code hashes and outcomes, never guest source or
 * secrets.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public interface WorkerListener {

	/**
	 * Outcome of a call that succeeded.
	 */
	String SUCCESS = "success";

	/**
	 * Outcome of a call where guest code threw.
	 */
	String GUEST_ERROR = "guest_error";

	/**
	 * Outcome of a call or load stopped by a quota.
	 */
	String QUOTA_EXCEEDED = "quota_exceeded";

	/**
	 * Outcome of a load refused by its policy, or of a call that failed because a binding
	 * denied the caller.
	 */
	String DENIED = "denied";

	/**
	 * Outcome of a load or call refused by a rate limit.
	 */
	String RATE_LIMITED = "rate_limited";

	/**
	 * Outcome of a load whose code could not be loaded, or a call of a missing method.
	 */
	String LOAD_ERROR = "load_error";

	/**
	 * Outcome of a call to a worker that was closed or evicted.
	 */
	String CLOSED = "closed";

	/**
	 * Called when a load ended, successfully or not.
	 * @param event the load
	 */
	default void loaded(LoadEvent event) {
	}

	/**
	 * Called on the sandbox thread when an invocation starts.
	 * @param start the invocation
	 * @return the scope that hears the end of this invocation
	 */
	default InvocationScope invocationStarted(InvocationStart start) {
		return InvocationScope.NOOP;
	}

	/**
	 * Called on the thread that makes a host call for a worker, a binding method call or
	 * one hop of a {@code fetch}, before it runs. The invocation's context is current on
	 * that thread (the caller's security context, the invocation's observation), so a
	 * listener can start a child observation.
	 * @param call the host call, without arguments, values or URLs
	 * @return the scope that hears the end of this call
	 * @since 0.1.0
	 */
	default HostCallScope hostCallStarted(HostCall call) {
		return HostCallScope.NOOP;
	}

	/**
	 * Called for each line of guest console output kept for an invocation.
	 * @param workerId the worker id
	 * @param policy the policy name
	 * @param entry the line (untrusted text)
	 */
	default void guestLog(String workerId, String policy, LogEntry entry) {
	}

	/**
	 * Classifies an exception into one of the outcome constants.
	 * @param ex the exception
	 * @return the outcome
	 */
	static String outcomeOf(Throwable ex) {
		if (ex instanceof WorkerQuotaExceededException) {
			return QUOTA_EXCEEDED;
		}
		if (ex instanceof WorkerPolicyException || ex instanceof WorkerAccessDeniedException) {
			return DENIED;
		}
		if (ex instanceof WorkerClosedException) {
			return CLOSED;
		}
		if (ex instanceof WorkerLoadException) {
			return LOAD_ERROR;
		}
		if (ex instanceof WorkerRateLimitedException) {
			return RATE_LIMITED;
		}
		return GUEST_ERROR;
	}

	/**
	 * A load that ended.
	 *
	 * @param workerId the worker id
	 * @param policy the policy name the code asked for
	 * @param clientId the client the worker acts for, if known
	 * @param codeSha256 the SHA-256 of the code
	 * @param outcome one of the outcome constants
	 * @param quota the quota that stopped the load, if any
	 * @param duration how long the load took
	 */
	record LoadEvent(String workerId, String policy, @Nullable String clientId, String codeSha256, String outcome,
			@Nullable QuotaKind quota, Duration duration) {
	}

	/**
	 * An invocation that starts.
	 *
	 * @param workerId the worker id
	 * @param policy the policy name
	 * @param clientId the client the worker acts for, if known
	 * @param codeSha256 the SHA-256 of the code
	 * @param entrypoint the export name ({@code default} or a named export)
	 * @param method the method name
	 */
	record InvocationStart(String workerId, String policy, @Nullable String clientId, String codeSha256,
			String entrypoint, String method) {
	}

	/**
	 * An invocation that ended.
	 *
	 * @param outcome one of the outcome constants
	 * @param quota the quota that stopped it, if any
	 * @param errorName the guest error name or host refusal category, if it failed
	 * @param cpuTime the CPU time of the sandbox thread
	 * @param wallTime the elapsed time
	 * @param allocatedBytes the bytes allocated by the sandbox thread
	 */
	record InvocationEnd(String outcome, @Nullable QuotaKind quota, @Nullable String errorName, Duration cpuTime,
			Duration wallTime, long allocatedBytes) {
	}

	/**
	 * A host call a worker makes: a binding method call or one hop of a {@code fetch}.
	 * Carries names only: never arguments, values, paths or query strings.
	 *
	 * @param workerId the worker id
	 * @param policy the policy name
	 * @param kind {@link #BINDING} or {@link #FETCH}
	 * @param target the binding name ({@code CHAT_ROOM}) or the {@code host:port} a fetch
	 * hop goes to
	 * @param operation the binding method, or the HTTP method of a fetch hop
	 */
	record HostCall(String workerId, String policy, String kind, String target, String operation) {

		/**
		 * The kind of a binding method call.
		 */
		public static final String BINDING = "binding";

		/**
		 * The kind of one hop (request) of a {@code fetch}.
		 */
		public static final String FETCH = "fetch";

	}

	/**
	 * Hears the end of one host call.
	 */
	interface HostCallScope {

		/**
		 * A scope that does nothing.
		 */
		HostCallScope NOOP = (error) -> {
		};

		/**
		 * Called on the thread that started the call when the host method returned,
		 * before {@link #finished(String)}; a Promise it returned may still be pending.
		 * Thread-bound state (an observation scope) is closed here.
		 */
		default void returned() {
		}

		/**
		 * Called when the call ended, on any thread.
		 * @param error the category of the failure ({@code refused},
		 * {@code host_error}...), or {@code null} if it succeeded
		 */
		void finished(@Nullable String error);

	}

	/**
	 * Hears the end of one invocation.
	 */
	@FunctionalInterface
	interface InvocationScope {

		/**
		 * A scope that does nothing.
		 */
		InvocationScope NOOP = (end) -> {
		};

		/**
		 * Called on the sandbox thread when the invocation ended.
		 * @param end the outcome
		 */
		void finished(InvocationEnd end);

	}

}
