package dev.workerloader.sandbox;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerListener;
import dev.workerloader.egress.OutboundHandler;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.ratelimit.ClientIdResolver;
import dev.workerloader.ratelimit.ClientRateLimiter;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The application's side of {@code fetch()} for workers that run in worker host processes
 * (issue 16): the same rules and network work as in-process (the code's global outbound
 * handler, the policy's outbound handler and allowed hosts, the internal-address guard,
 * the subrequest budget per invocation, redirects checked hop by hop, bounded responses),
 * run here, so the host holds no capability. Thread-safe; close it to stop its fetch
 * threads.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class FetchGateway implements AutoCloseable {

	private final HostServices services;

	/**
	 * Creates a gateway.
	 * @param handlerBeans finds the outbound handler a policy names
	 * @param jsonMapper the mapper of requests and replies
	 * @param threads the number of fetch threads
	 */
	public FetchGateway(Function<String, @Nullable OutboundHandler> handlerBeans, JsonMapper jsonMapper, int threads) {
		Objects.requireNonNull(handlerBeans, "'handlerBeans' must not be null");
		Objects.requireNonNull(jsonMapper, "'jsonMapper' must not be null");
		this.services = new HostServices(handlerBeans, new ClientRateLimiter(ClientIdResolver.NONE),
				new ValueCodec(jsonMapper), threads, null);
	}

	/**
	 * Prepares the fetches of one worker, on the loading thread.
	 * @param workerId the worker id
	 * @param code the worker's code (its global outbound handler)
	 * @param policy the worker's policy
	 * @param listener receives a host call per hop
	 * @return the worker's fetches
	 * @throws dev.workerloader.WorkerLoadException when the policy's outbound handler is
	 * not available
	 */
	public WorkerFetches forWorker(String workerId, WorkerCode code, WorkerPolicy policy, WorkerListener listener) {
		Objects.requireNonNull(listener, "'listener' must not be null");
		Egress egress = this.services.egress(workerId, code, policy, () -> listener);
		WorkerLimits limits = (code.limits() != null) ? policy.limits().lowest(code.limits()) : policy.limits();
		return new WorkerFetches(egress, limits.output());
	}

	@Override
	public void close() {
		this.services.close();
	}

	/**
	 * The fetches of one worker.
	 */
	public static final class WorkerFetches {

		private final Egress egress;

		private final long outputLimit;

		WorkerFetches(Egress egress, long outputLimit) {
			this.egress = egress;
			this.outputLimit = outputLimit;
		}

		/**
		 * Starts an invocation: its fetches share one subrequest budget.
		 * @return the invocation's fetches
		 */
		public Invocation begin() {
			return new Invocation(this, new Egress.Budget());
		}

	}

	/**
	 * The fetches of one invocation (a load or a call), which share the policy's
	 * subrequest budget.
	 */
	public static final class Invocation {

		private final WorkerFetches fetches;

		private final Egress.Budget budget;

		Invocation(WorkerFetches fetches, Egress.Budget budget) {
			this.fetches = fetches;
			this.budget = budget;
		}

		/**
		 * Fetches for the guest, on a fetch thread, with the caller's context.
		 * @param request the request as the guest shim wrote it
		 * @return the tagged reply, which never completes exceptionally
		 */
		public CompletableFuture<String> fetch(String request) {
			return this.fetches.egress.fetch(request, this.fetches.outputLimit, this.budget);
		}

	}

}
