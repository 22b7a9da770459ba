package dev.workerloader.process;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

import dev.workerloader.WorkerHostFailedException;
import dev.workerloader.WorkerHostFailedException.Cause;
import dev.workerloader.sandbox.BindingDispatcher;
import dev.workerloader.sandbox.CleanThreads;
import dev.workerloader.sandbox.FetchGateway;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The application's side of one worker host process: starts it, owns its channel, and
 * kills it (SIGKILL) when it crashes, runs out of memory, stops answering or breaks the
 * protocol. Thread-safe: many callers send requests; the first waiting caller reads the
 * channel and hands each reply to the caller waiting for it, and each of the guest's
 * binding calls to the caller whose call made it, so bindings run on the caller's thread
 * and a lone caller reads its own reply (no thread hand-off per call).
 *
 * @author Worker Loader team
 */
final class WorkerHost {

	private static final Log logger = LogFactory.getLog(WorkerHost.class);

	/** The frame every waiting caller receives when the host fails. */
	private static final JsonNode FAILED = JsonMapper.builder().build().createObjectNode().put("t", "failed");

	/** Tells a waiting caller to take over reading the channel. */
	private static final JsonNode LEAD = JsonMapper.builder().build().createObjectNode().put("t", "lead");

	/** Checks the deadlines of every host's requests: no timer per call. */
	private static final ScheduledExecutorService deadlines = Executors
		.newSingleThreadScheduledExecutor(CleanThreads.factory("worker-host-deadlines", 0));

	private @Nullable ScheduledFuture<?> deadlineCheck;

	/**
	 * The exit status of a JVM that ran out of memory under -XX:+ExitOnOutOfMemoryError.
	 */
	private static final int OUT_OF_MEMORY_EXIT = 3;

	/** The longest socket path used: sun_path holds 108 bytes on Linux, 104 on macOS. */
	private static final int MAX_SOCKET_PATH = 100;

	private final long id;

	private final long heap;

	private final Process process;

	private final HostChannel channel;

	private final Instant started = Instant.now();

	private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

	/** Held by the caller that reads the channel for everyone (leader/followers). */
	private final ReentrantLock reading = new ReentrantLock();

	private final Map<Long, BlockingQueue<JsonNode>> calling = new ConcurrentHashMap<>();

	private final AtomicLong requests = new AtomicLong();

	private final AtomicLong handles = new AtomicLong();

	private final AtomicInteger workers = new AtomicInteger();

	private final AtomicReference<@Nullable Cause> failure = new AtomicReference<>();

	private final BiConsumer<WorkerHost, Cause> onFailure;

	private volatile boolean retiring;

	/**
	 * Turns false once a failure has been fully handled (counted, kept workers dropped).
	 */
	private volatile boolean alive = true;

	/** Opens once a failure has been fully handled, so that callers see it counted. */
	private final java.util.concurrent.CountDownLatch handled = new java.util.concurrent.CountDownLatch(1);

	private volatile java.util.function.Consumer<WorkerHost> onRetire = (host) -> {
	};

	private WorkerHost(long id, long heap, Process process, HostChannel channel,
			BiConsumer<WorkerHost, Cause> onFailure) {
		this.id = id;
		this.heap = heap;
		this.process = process;
		this.channel = channel;
		this.onFailure = onFailure;
	}

	static WorkerHost start(long id, long heap, JsonMapper mapper, Duration timeout,
			BiConsumer<WorkerHost, Cause> onFailure) throws IOException {
		Path directory = socketDirectory();
		Path path = directory.resolve("channel.sock");
		Process process = null;
		try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
				Selector selector = Selector.open()) {
			server.bind(UnixDomainSocketAddress.of(path));
			server.configureBlocking(false);
			server.register(selector, SelectionKey.OP_ACCEPT);
			process = HostLauncher.processBuilder(heap, path).start();
			long deadline = System.nanoTime() + timeout.toNanos();
			SocketChannel socket = null;
			while (socket == null) {
				long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
				if (left <= 0 || !process.isAlive()) {
					throw new IOException("Worker host " + id + " did not connect within " + timeout
							+ (process.isAlive() ? "" : " (it exited with status " + process.exitValue() + ")"));
				}
				selector.select(Math.min(left, 200));
				socket = server.accept();
			}
			socket.configureBlocking(true);
			HostChannel channel = new HostChannel(socket, mapper);
			JsonNode ready = channel.receive();
			if (!"ready".equals(ready.path("t").asString())) {
				throw new IOException("Worker host " + id + " did not say it was ready");
			}
			WorkerHost host = new WorkerHost(id, heap, process, channel, onFailure);
			// No reader thread: the callers read (one round trip, no hand-off per call).
			// An
			// idle host that dies is noticed by its exit.
			process.onExit().thenRun(() -> host.fail(host.exitCause()));
			host.deadlineCheck = deadlines.scheduleWithFixedDelay(host::checkDeadlines, 100, 100,
					TimeUnit.MILLISECONDS);
			logger.info("Worker host " + id + " started (pid " + process.pid() + ", heap " + (heap >> 20)
					+ "MB, network " + HostLauncher.network() + ")");
			return host;
		}
		catch (IOException | RuntimeException ex) {
			if (process != null) {
				process.destroyForcibly();
			}
			throw ex;
		}
		finally {
			// Once connected, the socket file is not needed: nothing else can connect.
			Files.deleteIfExists(path);
			Files.deleteIfExists(directory);
		}
	}

	/**
	 * A fresh private directory for the channel's socket file: in {@code java.io.tmpdir},
	 * or in {@code /tmp} when that path is too long for a Unix domain socket (about 100
	 * bytes on Linux and macOS).
	 */
	private static Path socketDirectory() throws IOException {
		var owner = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
		Path directory = Files.createTempDirectory("worker-host-", owner);
		if (directory.resolve("channel.sock").toString().length() <= MAX_SOCKET_PATH) {
			return directory;
		}
		Files.deleteIfExists(directory);
		Path shorter = Path.of("/tmp");
		if (Files.isDirectory(shorter) && Files.isWritable(shorter)) {
			Path fallback = Files.createTempDirectory(shorter, "worker-host-", owner);
			if (fallback.resolve("channel.sock").toString().length() <= MAX_SOCKET_PATH) {
				return fallback;
			}
			Files.deleteIfExists(fallback);
		}
		throw new IOException("java.io.tmpdir (" + System.getProperty("java.io.tmpdir") + ") is too long a path"
				+ " for a Unix domain socket, and /tmp is not usable: start the JVM with a shorter"
				+ " -Djava.io.tmpdir");
	}

	long id() {
		return this.id;
	}

	long heap() {
		return this.heap;
	}

	long pid() {
		return this.process.pid();
	}

	Instant started() {
		return this.started;
	}

	int workers() {
		return this.workers.get();
	}

	boolean isAlive() {
		return this.alive;
	}

	@Nullable Cause failure() {
		return this.failure.get();
	}

	long newHandle() {
		this.workers.incrementAndGet();
		return this.handles.incrementAndGet();
	}

	void released(long handle) {
		int left = this.workers.decrementAndGet();
		if (this.retiring && left <= 0) {
			stop();
			return;
		}
		if (isAlive()) {
			try {
				this.channel.send(this.channel.frame("close").put("w", handle));
			}
			catch (IOException ex) {
				fail(Cause.CRASHED);
			}
		}
	}

	ObjectNode frame(String type) {
		return this.channel.frame(type);
	}

	JsonMapper mapper() {
		return this.channel.mapper();
	}

	/**
	 * Sends a request about a worker and waits for its reply, answering the worker's
	 * binding calls meanwhile on this thread.
	 * @param request the request frame
	 * @param handle the worker's handle
	 * @param workerId the worker id, for errors
	 * @param timeout how long the host may take, not counting binding calls
	 * @param bindings the worker's granted bindings
	 * @param fetches the worker's egress, which runs its relayed fetches
	 * @return the reply frame
	 * @throws WorkerHostFailedException when the host failed or did not answer in time
	 */
	JsonNode request(ObjectNode request, long handle, String workerId, Duration timeout, BindingDispatcher bindings,
			FetchGateway.WorkerFetches fetches) {
		long number = this.requests.incrementAndGet();
		request.put("r", number).put("w", handle);
		Pending entry = new Pending(new LinkedBlockingQueue<>(), timeout.toNanos());
		this.pending.put(number, entry);
		this.calling.put(handle, entry.box);
		FetchGateway.@Nullable Invocation invocation = null;
		try {
			if (!isAlive()) {
				throw failed(workerId);
			}
			this.channel.send(request);
			while (true) {
				JsonNode reply = await(entry.box);
				if (reply == FAILED) {
					throw failed(workerId);
				}
				if ("bind".equals(reply.path("t").asString())) {
					// Time in the application's binding is not the host's: the host's own
					// watchdog still bounds the worker's wall time. The binding itself
					// may
					// take no longer than the host may: past that, this thread is
					// interrupted, as in-process a kill interrupts a blocking host call
					// (the host has stopped the worker for its wall time by then).
					entry.pause();
					String answer;
					try {
						answer = bindings.call(reply.path("b").asString(), reply.path("m").asString(),
								reply.path("a").asString());
					}
					finally {
						entry.resume();
					}
					this.channel
						.send(this.channel.frame("bound").put("r", reply.path("r").asLong()).put("reply", answer));
					continue;
				}
				if ("fetch".equals(reply.path("t").asString())) {
					// The request's fetches share one subrequest budget; the network work
					// runs on a fetch thread, and the fetch time counts as the guest's
					// wall time, as in-process.
					if (invocation == null) {
						invocation = fetches.begin();
					}
					answerFetch(reply.path("r").asLong(), invocation.fetch(reply.path("q").asString()));
					continue;
				}
				if (reply.path("lingering").asInt(0) > 0) {
					// A built-in that ignored cancellation still holds a thread of the
					// host:
					// take no new workers, and stop once the current ones are closed.
					retire();
				}
				return reply;
			}
		}
		catch (IOException ex) {
			fail(Cause.CRASHED);
			throw failed(workerId);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new dev.workerloader.WorkerClosedException(workerId,
					"The call to worker '" + workerId + "' was interrupted while its worker host ran it");
		}
		finally {
			this.pending.remove(number);
			this.calling.remove(handle, entry.box);
		}
	}

	/**
	 * Waits for the next frame for this caller. The first waiting caller reads the
	 * channel for everyone and hands others their frames; when its own arrives it passes
	 * the reading on (leader/followers), so a lone caller reads its reply itself.
	 */
	private JsonNode await(BlockingQueue<JsonNode> box) throws InterruptedException {
		while (true) {
			JsonNode frame = poll(box);
			if (frame != null) {
				return frame;
			}
			if (this.reading.tryLock()) {
				try {
					while (true) {
						frame = poll(box);
						if (frame != null) {
							return frame;
						}
						if (!isAlive()) {
							return FAILED;
						}
						route(this.channel.receive());
					}
				}
				catch (HostChannel.ProtocolException ex) {
					fail(Cause.PROTOCOL);
					return FAILED;
				}
				catch (IOException ex) {
					if (this.failure.get() == null) {
						fail(exitCause());
					}
					return FAILED;
				}
				finally {
					this.reading.unlock();
					promote(box);
				}
			}
			frame = box.poll(100, TimeUnit.MILLISECONDS);
			if (frame != null && frame != LEAD) {
				return frame;
			}
		}
	}

	/**
	 * Takes the next frame of {@code box}, skipping the {@code LEAD} tokens before it. A
	 * nested call (a binding that calls another worker) promotes the outer call's box
	 * when it stops reading; skipping only one token left the outer reply queued behind
	 * it while its caller went back to reading the channel, until the host was killed as
	 * unresponsive.
	 */
	private static @Nullable JsonNode poll(BlockingQueue<JsonNode> box) {
		JsonNode frame;
		do {
			frame = box.poll();
		}
		while (frame == LEAD);
		return frame;
	}

	private void route(JsonNode frame) throws IOException {
		String type = frame.path("t").asString();
		boolean bind = "bind".equals(type) || "fetch".equals(type);
		BlockingQueue<JsonNode> box;
		if (bind) {
			box = this.calling.get(frame.path("w").asLong());
		}
		else {
			Pending entry = this.pending.get(frame.path("r").asLong());
			box = (entry != null) ? entry.box : null;
		}
		if (box != null) {
			box.add(frame);
		}
		else if ("fetch".equals(type)) {
			this.channel.send(this.channel.frame("fetched")
				.put("r", frame.path("r").asLong())
				.put("reply", "Efetch() is not available outside a call"));
		}
		else if (bind) {
			// A binding call outside any request (a timer after the call returned).
			this.channel.send(this.channel.frame("bound")
				.put("r", frame.path("r").asLong())
				.put("reply", "Eenv." + frame.path("b").asString() + " is not available outside a call"));
		}
	}

	private void answerFetch(long id, java.util.concurrent.CompletableFuture<String> reply) {
		reply.whenComplete((tagged, error) -> {
			try {
				this.channel.send(this.channel.frame("fetched")
					.put("r", id)
					.put("reply", (error == null) ? tagged : "Efetch() failed on the host."));
			}
			catch (IOException ex) {
				fail(Cause.CRASHED);
			}
		});
	}

	/** Wakes another waiting caller to read the channel. */
	private void promote(BlockingQueue<JsonNode> own) {
		for (Pending entry : this.pending.values()) {
			if (entry.box != own) {
				entry.box.add(LEAD);
				return;
			}
		}
	}

	private void checkDeadlines() {
		long now = System.nanoTime();
		for (Pending entry : this.pending.values()) {
			entry.interruptOverdueBinding(now);
			if (now - entry.deadline > 0) {
				fail(Cause.UNRESPONSIVE);
				return;
			}
		}
	}

	private WorkerHostFailedException failed(String workerId) {
		try {
			// Another thread may still be handling the failure (counting it, dropping
			// kept
			// workers): the caller sees it done.
			this.handled.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		Cause cause = this.failure.get();
		Cause known = (cause != null) ? cause : Cause.CRASHED;
		return new WorkerHostFailedException(workerId, known,
				"Worker '" + workerId + "' was lost: its worker host " + this.id + " " + describe(known)
						+ " and was killed and replaced. Load the worker again (get(id)"
						+ " does so); if it keeps happening, the worker itself may be the cause.");
	}

	private static String describe(Cause cause) {
		return switch (cause) {
			case CRASHED -> "exited unexpectedly";
			case OUT_OF_MEMORY -> "ran out of memory (raise the policy's host heap if the workload is legitimate)";
			case UNRESPONSIVE -> "stopped answering within the wall-time limit and its grace";
			case PROTOCOL -> "broke the channel protocol";
		};
	}

	private Cause exitCause() {
		try {
			if (this.process.waitFor(2, TimeUnit.SECONDS) && this.process.exitValue() == OUT_OF_MEMORY_EXIT) {
				return Cause.OUT_OF_MEMORY;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return Cause.CRASHED;
	}

	/**
	 * Kills the host (SIGKILL) for the given cause, once; every waiting caller fails.
	 * @param cause why
	 */
	void fail(Cause cause) {
		if (!this.failure.compareAndSet(null, cause)) {
			return;
		}
		this.process.destroyForcibly();
		this.channel.close();
		logger.warn("Worker host " + this.id + " (pid " + this.process.pid() + ") failed: " + cause.tag()
				+ "; it was killed and its " + this.workers.get() + " worker(s) closed");
		cancelDeadlineCheck();
		try {
			this.onFailure.accept(this, cause);
		}
		finally {
			this.alive = false;
			this.handled.countDown();
			for (Pending entry : this.pending.values()) {
				entry.box.add(FAILED);
			}
		}
	}

	void onRetire(java.util.function.Consumer<WorkerHost> onRetire) {
		this.onRetire = onRetire;
	}

	boolean isRetiring() {
		return this.retiring;
	}

	private void retire() {
		if (this.retiring) {
			return;
		}
		this.retiring = true;
		logger.info("Worker host " + this.id + " is retired: a stopped worker left a thread running in it; it takes no"
				+ " new workers and stops when its " + this.workers.get() + " worker(s) are closed");
		this.onRetire.accept(this);
	}

	/** Stops the host on shutdown or retirement: not a failure. */
	void stop() {
		if (this.failure.compareAndSet(null, Cause.CRASHED)) {
			this.alive = false;
			this.handled.countDown();
			this.process.destroyForcibly();
			this.channel.close();
			cancelDeadlineCheck();
			for (Pending entry : this.pending.values()) {
				entry.box.add(FAILED);
			}
		}
	}

	private void cancelDeadlineCheck() {
		ScheduledFuture<?> check = this.deadlineCheck;
		if (check != null) {
			check.cancel(false);
		}
	}

	/** A request waiting for its reply, with the time by which the host must answer. */
	private static final class Pending {

		final BlockingQueue<JsonNode> box;

		private final long timeout;

		volatile long deadline;

		Pending(BlockingQueue<JsonNode> box, long timeout) {
			this.box = box;
			this.timeout = timeout;
			restart();
		}

		/** The caller's thread while it runs a binding call of the worker. */
		private @Nullable Thread binding;

		private long bindingDeadline;

		private boolean bindingInterrupted;

		void restart() {
			this.deadline = System.nanoTime() + this.timeout;
		}

		/** A binding call starts on the current thread: the host's deadline waits. */
		synchronized void pause() {
			this.deadline = System.nanoTime() + Long.MAX_VALUE / 2;
			this.binding = Thread.currentThread();
			this.bindingDeadline = System.nanoTime() + this.timeout;
			this.bindingInterrupted = false;
		}

		/**
		 * The binding call ended: the host's deadline runs again, and an interrupt this
		 * entry sent the binding does not reach the caller's next wait.
		 */
		synchronized void resume() {
			this.binding = null;
			if (this.bindingInterrupted) {
				Thread.interrupted();
			}
			restart();
		}

		synchronized void interruptOverdueBinding(long now) {
			Thread thread = this.binding;
			if (thread != null && !this.bindingInterrupted && now - this.bindingDeadline > 0) {
				this.bindingInterrupted = true;
				thread.interrupt();
			}
		}

	}

}
