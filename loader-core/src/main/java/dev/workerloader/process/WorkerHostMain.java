package dev.workerloader.process;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import dev.workerloader.Entrypoint;
import dev.workerloader.Invocation;
import dev.workerloader.LogEntry;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerRequest;
import dev.workerloader.WorkerResponse;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.binding.ExposedBinding;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.sandbox.GraalWorkerLoader;
import dev.workerloader.sandbox.CleanThreads;
import dev.workerloader.sandbox.FetchRelay;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The main class of a worker host process (issue 16): connects to the application's
 * socket, runs workers in a {@link GraalWorkerLoader} of its own and relays every binding
 * call back to the application. It holds no capability: no bindings, no network (the
 * loader starts it in an empty network namespace where the OS allows it), no environment.
 *
 * @author Worker Loader team
 */
public final class WorkerHostMain {

	/**
	 * How long the reader polls for the next frame before it blocks: longer than a warm
	 * call's round trip (a few tens of microseconds), so that back-to-back calls find the
	 * reader awake; at most this much CPU per frame when calls come further apart.
	 */
	static final long SPIN_NANOS = java.util.concurrent.TimeUnit.MICROSECONDS.toNanos(100);

	private final HostChannel channel;

	private final Map<String, WorkerPolicy> policies = new ConcurrentHashMap<>();

	private final Map<Long, Worker> workers = new ConcurrentHashMap<>();

	private final Map<Long, CompletableFuture<String>> bindingCalls = new ConcurrentHashMap<>();

	private final AtomicLong bindingIds = new AtomicLong();

	private final ThreadLocal<@Nullable Loading> loading = new ThreadLocal<>();

	private final ExecutorService executor = Executors.newCachedThreadPool(CleanThreads.factory("worker-host-call", 0));

	private final GraalWorkerLoader loader;

	private WorkerHostMain(HostChannel channel) {
		this.channel = channel;
		this.loader = GraalWorkerLoader.builder().policies(new PolicyResolver() {

			@Override
			public @Nullable WorkerPolicy find(String name) {
				return WorkerHostMain.this.policies.get(name);
			}

			@Override
			public Collection<WorkerPolicy> policies() {
				return WorkerHostMain.this.policies.values();
			}

		}).bindings(new RelayedBindings()).fetchRelays(this::fetchRelay).clientIdResolver(() -> null).build();
	}

	/**
	 * Runs a worker host.
	 * @param args the path of the application's socket
	 * @throws IOException when the channel cannot be opened
	 */
	public static void main(String[] args) throws IOException {
		SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
		socket.connect(UnixDomainSocketAddress.of(args[0]));
		// One core: polling for the next frame would only take the core from the call.
		HostChannel channel = (Runtime.getRuntime().availableProcessors() > 1)
				? HostChannel.spinning(socket, JsonMapper.builder().build(), SPIN_NANOS)
				: new HostChannel(socket, JsonMapper.builder().build());
		WorkerHostMain host = new WorkerHostMain(channel);
		host.run();
	}

	private void run() throws IOException {
		this.loader.awaitReady(java.time.Duration.ofMinutes(1));
		this.channel.send(this.channel.frame("ready"));
		readNext();
	}

	/**
	 * Reads every frame on this thread. A call goes straight to its worker's sandbox
	 * thread, which sends the reply when the invocation ends: one thread hand-off per
	 * call, and this thread is free at once for the next frame (a binding reply, another
	 * worker's call). Loads and closes, which may wait, run on the executor.
	 */
	private void readNext() {
		while (true) {
			JsonNode frame;
			try {
				frame = this.channel.receive();
			}
			catch (IOException ex) {
				// The application is gone, or broke the protocol: so is this host.
				Runtime.getRuntime().halt(0);
				return;
			}
			String type = frame.path("t").asString();
			switch (type) {
				case "bound", "fetched" -> {
					CompletableFuture<String> pending = this.bindingCalls.remove(frame.path("r").asLong());
					if (pending != null) {
						pending.complete(frame.path("reply").asString());
					}
				}
				case "close" -> {
					Worker worker = this.workers.remove(frame.path("w").asLong());
					if (worker != null) {
						// Closing may wait for a sandbox thread: not on the reading
						// thread.
						this.executor.execute(worker::close);
					}
				}
				case "load" -> this.executor.execute(() -> reply(frame, load(frame)));
				case "call" -> call(frame);
				default -> Runtime.getRuntime().halt(4);
			}
		}
	}

	private void reply(JsonNode request, ObjectNode reply) {
		reply.put("r", request.path("r").asLong());
		// Threads the sandbox could not stop: the application retires this host.
		reply.put("lingering", this.loader.threads().lingering());
		try {
			this.channel.send(reply);
		}
		catch (IOException ex) {
			Runtime.getRuntime().halt(0);
		}
	}

	private ObjectNode load(JsonNode frame) {
		long handle = frame.path("w").asLong();
		JsonMapper mapper = this.channel.mapper();
		try {
			WorkerPolicy policy = mapper.treeToValue(frame.path("policy"), WorkerPolicy.class);
			this.policies.put(policy.name(), policy);
			JsonNode code = frame.path("code");
			WorkerCode.Builder builder = WorkerCode.builder()
				.name(code.path("id").asString())
				.policy(policy.name())
				.mainModule(code.path("main").asString());
			if (code.hasNonNull("compatibilityDate")) {
				builder.compatibilityDate(code.path("compatibilityDate").asString());
			}
			if (code.hasNonNull("limits")) {
				builder.limits(mapper.treeToValue(code.path("limits"), WorkerLimits.class));
			}
			if (code.hasNonNull("clientId")) {
				builder.clientId(code.path("clientId").asString());
			}
			for (JsonNode module : code.path("modules")) {
				String name = module.path("n").asString();
				String content = module.path("c").asString();
				switch (WorkerCode.ModuleType.valueOf(module.path("k").asString())) {
					case JAVASCRIPT -> builder.module(name, content);
					case JSON -> builder.jsonModule(name, content);
					case TEXT -> builder.textModule(name, content);
					case CJS -> builder.cjsModule(name, content);
					case DATA -> builder.dataModule(name, Base64.getDecoder().decode(content));
				}
			}
			for (Map.Entry<String, JsonNode> entry : code.path("env").properties()) {
				builder.env(entry.getKey(), mapper.treeToValue(entry.getValue(), Object.class));
			}
			Map<String, Set<String>> bindings = new ConcurrentHashMap<>();
			for (Map.Entry<String, JsonNode> entry : code.path("bindings").properties()) {
				Set<String> methods = new LinkedHashSet<>();
				entry.getValue().forEach((method) -> methods.add(method.asString()));
				bindings.put(entry.getKey(), methods);
				builder.env(entry.getKey());
			}
			this.loading.set(new Loading(handle, bindings));
			try {
				this.workers.put(handle, this.loader.load(builder.build()));
			}
			finally {
				this.loading.remove();
			}
			return this.channel.frame("loaded");
		}
		catch (RuntimeException ex) {
			return HostErrors.toFrame(this.channel, ex);
		}
	}

	private void call(JsonNode frame) {
		Worker worker = this.workers.get(frame.path("w").asLong());
		JsonMapper mapper = this.channel.mapper();
		CompletableFuture<Invocation> invocation;
		try {
			if (worker == null) {
				throw new dev.workerloader.WorkerClosedException(null, "The worker was closed");
			}
			Map<String, Object> props = mapper.convertValue(frame.path("props"),
					mapper.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
			Map<String, Object> givenProps = (props != null) ? props : Map.of();
			String name = frame.path("e").asString();
			Entrypoint entrypoint = frame.hasNonNull("l")
					? worker.getEntrypoint(name, givenProps, mapper.treeToValue(frame.path("l"), WorkerLimits.class))
					: worker.getEntrypoint(name, givenProps);
			if ("fetch".equals(frame.path("mode").asString())) {
				// The export's fetch handler (issue 19): the request in, the response
				// out.
				WorkerRequest request = mapper.treeToValue(frame.path("a"), WorkerRequest.class);
				entrypoint.fetchAsync(request)
					.whenComplete(
							(response, error) -> reply(frame, (error == null) ? response(response) : failure(error)));
				return;
			}
			Object param = mapper.treeToValue(frame.path("a"), Object.class);
			invocation = entrypoint.invokeAsync(frame.path("m").asString(), param);
		}
		catch (RuntimeException ex) {
			reply(frame, HostErrors.toFrame(this.channel, ex));
			return;
		}
		// Completed on the sandbox thread, which sends the reply itself.
		invocation.whenComplete((result, error) -> reply(frame, (error == null) ? result(result) : failure(error)));
	}

	private ObjectNode response(WorkerResponse response) {
		try {
			ObjectNode reply = this.channel.frame("result");
			reply.set("v", this.channel.mapper().valueToTree(response));
			return reply;
		}
		catch (RuntimeException ex) {
			return HostErrors.toFrame(this.channel, ex);
		}
	}

	private ObjectNode result(Invocation invocation) {
		JsonMapper mapper = this.channel.mapper();
		try {
			ObjectNode reply = this.channel.frame("result");
			reply.set("v", mapper.valueToTree(invocation.value()));
			reply.set("logs", logs(invocation.logs()));
			reply.put("truncated", invocation.logsTruncated());
			reply.put("cpu", invocation.cpuTime().toNanos());
			reply.put("wall", invocation.wallTime().toNanos());
			reply.put("alloc", invocation.allocatedBytes());
			return reply;
		}
		catch (RuntimeException ex) {
			return HostErrors.toFrame(this.channel, ex);
		}
	}

	private ObjectNode failure(Throwable error) {
		Throwable cause = (error instanceof java.util.concurrent.CompletionException && error.getCause() != null)
				? error.getCause() : error;
		RuntimeException runtime = (cause instanceof RuntimeException ex) ? ex
				: new dev.workerloader.WorkerException(null, "Error", "The worker failed in its host", "");
		return HostErrors.toFrame(this.channel, runtime);
	}

	private ArrayNode logs(java.util.List<LogEntry> logs) {
		ArrayNode array = this.channel.mapper().createArrayNode();
		for (LogEntry entry : logs) {
			array.addObject().put("l", entry.level()).put("m", entry.message());
		}
		return array;
	}

	/** Relays one binding call to the application and waits for the reply. */
	private String relay(long handle, String binding, String method, String argsJson) {
		long id = this.bindingIds.incrementAndGet();
		CompletableFuture<String> reply = new CompletableFuture<>();
		this.bindingCalls.put(id, reply);
		ObjectNode frame = this.channel.frame("bind");
		frame.put("r", id).put("w", handle).put("b", binding).put("m", method).put("a", argsJson);
		try {
			this.channel.send(frame);
			// Interruptible: stopping the worker interrupts its sandbox thread, which
			// must not linger here until the application answers.
			return reply.get();
		}
		catch (InterruptedException ex) {
			this.bindingCalls.remove(id);
			Thread.currentThread().interrupt();
			return "Eenv." + binding + "." + method + " is not available";
		}
		catch (IOException | RuntimeException | java.util.concurrent.ExecutionException ex) {
			this.bindingCalls.remove(id);
			return "Eenv." + binding + "." + method + " is not available";
		}
	}

	/**
	 * The fetch relay of the worker being loaded on this thread: every fetch goes to the
	 * application, whose egress rules decide; this host has no network of its own.
	 */
	private FetchRelay fetchRelay() {
		Loading current = this.loading.get();
		if (current == null) {
			return (request) -> CompletableFuture.completedFuture("Efetch() is not available in this worker");
		}
		long handle = current.handle();
		return (request) -> relayFetch(handle, request);
	}

	private CompletableFuture<String> relayFetch(long handle, String request) {
		long id = this.bindingIds.incrementAndGet();
		CompletableFuture<String> reply = new CompletableFuture<>();
		this.bindingCalls.put(id, reply);
		ObjectNode frame = this.channel.frame("fetch");
		frame.put("r", id).put("w", handle).put("q", request);
		try {
			this.channel.send(frame);
		}
		catch (IOException | RuntimeException ex) {
			this.bindingCalls.remove(id);
			reply.complete("Efetch() is not available");
		}
		return reply;
	}

	/** The worker being loaded on this thread, and the bindings it was granted. */
	private record Loading(long handle, Map<String, Set<String>> bindings) {
	}

	/** Bindings of the worker being loaded, relayed to the application. */
	private final class RelayedBindings implements BindingProvider {

		@Override
		public @Nullable ExposedBinding find(String name) {
			Loading current = WorkerHostMain.this.loading.get();
			if (current == null || !current.bindings().containsKey(name)) {
				return null;
			}
			long handle = current.handle();
			return ExposedBinding.relayed(name, current.bindings().get(name),
					(method, args) -> relay(handle, name, method, args));
		}

		@Override
		public Set<String> names() {
			Loading current = WorkerHostMain.this.loading.get();
			return (current != null) ? current.bindings().keySet() : Set.of();
		}

	}

}
