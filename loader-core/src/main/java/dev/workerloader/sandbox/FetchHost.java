package dev.workerloader.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.workerloader.WorkerListener;
import dev.workerloader.egress.EgressGuard;
import dev.workerloader.egress.OutboundHandler;
import dev.workerloader.egress.OutboundLimits;
import dev.workerloader.egress.OutboundRequest;
import dev.workerloader.policy.WorkerPolicy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The host side of one worker's {@code fetch()}: the guest shim in {@code runtime.js}
 * calls it with the request as JSON and gets a Promise of a tagged reply ({@code R} + the
 * response as JSON, or {@code E} + a message the shim throws as a {@code TypeError}). In
 * this JVM an {@link Egress} applies the policy's rules and does the network work; in a
 * worker host process (issue 16) the request is relayed to the application, whose egress
 * rules decide, and the host itself holds no network capability. Either way the Promise
 * is settled through the worker's inbox, on the sandbox thread.
 *
 * @author Worker Loader team
 */
final class FetchHost implements ProxyExecutable {

	private final SandboxWorker worker;

	/** Starts a fetch: here, through the egress rules, or relayed to the application. */
	private final Start start;

	private long budgetInvocation = -1;

	private Egress.Budget budget = new Egress.Budget();

	FetchHost(SandboxWorker worker, Egress egress) {
		this.worker = worker;
		this.start = egress::fetch;
	}

	FetchHost(SandboxWorker worker, FetchRelay relay) {
		this.worker = worker;
		this.start = (json, outputLimit, budget) -> {
			String tooLarge = Egress.tooLarge(json, outputLimit, worker.policy());
			return (tooLarge != null) ? CompletableFuture.completedFuture("E" + tooLarge) : relay.fetch(json);
		};
	}

	@Override
	public Object execute(Value... arguments) {
		CompletableFuture<String> reply = this.start.fetch(arguments[0].asString(), this.worker.limits().output(),
				currentBudget());
		if (reply.isDone() && !reply.isCompletedExceptionally() && reply.join().startsWith("E")) {
			// Refused before any network work: the shim throws at once.
			return reply.join();
		}
		Value deferred = this.worker.runtime().invokeMember("deferred");
		Value promise = deferred.getArrayElement(0);
		Value resolve = deferred.getArrayElement(1);
		this.worker.hostCallStarted();
		reply.whenComplete((value, error) -> {
			String tagged = (error == null) ? value : "E" + "fetch() failed on the host.";
			this.worker.post(() -> resolve.execute(tagged));
			this.worker.hostCallFinished();
		});
		return promise;
	}

	/** The subrequest budget of the running invocation; called on the sandbox thread. */
	private Egress.Budget currentBudget() {
		long invocation = this.worker.invocationCount();
		if (invocation != this.budgetInvocation) {
			this.budgetInvocation = invocation;
			this.budget = new Egress.Budget();
		}
		return this.budget;
	}

	/** How a fetch starts; the reply is tagged and never completes exceptionally. */
	@FunctionalInterface
	private interface Start {

		CompletableFuture<String> fetch(String json, long outputLimit, Egress.Budget budget);

	}

}
