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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

import dev.workerloader.WorkerHostFailedException;
import dev.workerloader.WorkerHostFailedException.Cause;
import dev.workerloader.sandbox.BindingDispatcher;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The application's side of one worker host process: starts it, owns its channel, and
 * kills it (SIGKILL) when it crashes, runs out of memory, stops answering or breaks the
 * protocol. Thread-safe: many callers send requests; one reader thread receives replies
 * and hands each to the caller waiting for it, and the guest's binding calls to the
 * caller whose call made them, so bindings run on the caller's thread.
 *
 * @author Worker Loader team
 */
final class WorkerHost {

	private static final Log logger = LogFactory.getLog(WorkerHost.class);

	/** The frame every waiting caller receives when the host fails. */
	private static final JsonNode FAILED = JsonMapper.builder().build().createObjectNode().put("t", "failed");

	/**
	 * The exit status of a JVM that ran out of memory under -XX:+ExitOnOutOfMemoryError.
	 */
	private static final int OUT_OF_MEMORY_EXIT = 3;

	private final long id;

	private final long heap;

	private final Process process;

	private final HostChannel channel;

	private final Instant started = Instant.now();

	private final Map<Long, BlockingQueue<JsonNode>> pending = new ConcurrentHashMap<>();

	private final Map<Long, BlockingQueue<JsonNode>> calling = new ConcurrentHashMap<>();

	private final AtomicLong requests = new AtomicLong();

	private final AtomicLong handles = new AtomicLong();

	private final AtomicInteger workers = new AtomicInteger();

	private final AtomicReference<@Nullable Cause> failure = new AtomicReference<>();

	private final BiConsumer<WorkerHost, Cause> onFailure;

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
		Path directory = Files.createTempDirectory("worker-host-",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
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
			Thread reader = new Thread(host::read, "worker-host-" + id + "-reader");
			reader.setDaemon(true);
			reader.start();
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
		return this.failure.get() == null;
	}

	@Nullable Cause failure() {
		return this.failure.get();
	}

	long newHandle() {
		this.workers.incrementAndGet();
		return this.handles.incrementAndGet();
	}

	void released(long handle) {
		this.workers.decrementAndGet();
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
	 * @return the reply frame
	 * @throws WorkerHostFailedException when the host failed or did not answer in time
	 */
	JsonNode request(ObjectNode request, long handle, String workerId, Duration timeout, BindingDispatcher bindings) {
		long number = this.requests.incrementAndGet();
		request.put("r", number).put("w", handle);
		BlockingQueue<JsonNode> box = new LinkedBlockingQueue<>();
		this.pending.put(number, box);
		this.calling.put(handle, box);
		try {
			if (!isAlive()) {
				throw failed(workerId);
			}
			this.channel.send(request);
			while (true) {
				JsonNode reply = box.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
				if (reply == null) {
					fail(Cause.UNRESPONSIVE);
					throw failed(workerId);
				}
				if (reply == FAILED) {
					throw failed(workerId);
				}
				if ("bind".equals(reply.path("t").asString())) {
					String answer = bindings.call(reply.path("b").asString(), reply.path("m").asString(),
							reply.path("a").asString());
					this.channel
						.send(this.channel.frame("bound").put("r", reply.path("r").asLong()).put("reply", answer));
					continue;
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
			this.calling.remove(handle, box);
		}
	}

	private WorkerHostFailedException failed(String workerId) {
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

	private void read() {
		try {
			while (true) {
				JsonNode frame = this.channel.receive();
				BlockingQueue<JsonNode> box = "bind".equals(frame.path("t").asString())
						? this.calling.get(frame.path("w").asLong()) : this.pending.get(frame.path("r").asLong());
				if (box != null) {
					box.add(frame);
				}
				else if ("bind".equals(frame.path("t").asString())) {
					// A binding call outside any request (a timer after the call
					// returned).
					this.channel.send(this.channel.frame("bound")
						.put("r", frame.path("r").asLong())
						.put("reply", "Eenv." + frame.path("b").asString() + " is not available outside a call"));
				}
			}
		}
		catch (HostChannel.ProtocolException ex) {
			fail(Cause.PROTOCOL);
		}
		catch (IOException ex) {
			if (isAlive()) {
				fail(exitCause());
			}
		}
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
		for (BlockingQueue<JsonNode> box : this.pending.values()) {
			box.add(FAILED);
		}
		this.onFailure.accept(this, cause);
	}

	/** Stops the host on shutdown: not a failure. */
	void stop() {
		if (this.failure.compareAndSet(null, Cause.CRASHED)) {
			this.process.destroyForcibly();
			this.channel.close();
			for (BlockingQueue<JsonNode> box : this.pending.values()) {
				box.add(FAILED);
			}
		}
	}

}
