package dev.workerloader.process;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One end of the channel between the application and a worker host: a Unix domain socket
 * carrying length-prefixed frames (a 4-byte big-endian length, then one JSON object).
 * Sends are serialised; one thread receives.
 * <p>
 * A {@link #spinning spinning} channel (the worker host's end) polls the socket for a
 * short while before it blocks for the next frame: on back-to-back calls the next frame
 * arrives while the reader still polls, and the reader does not have to be woken, which
 * on a virtual machine's few cores costs as much as the call itself.
 *
 * @author Worker Loader team
 */
final class HostChannel implements AutoCloseable {

	/** The largest frame either side accepts: a bigger one is a protocol error. */
	static final int MAX_FRAME = 64 * 1024 * 1024;

	private final SocketChannel socket;

	private final JsonMapper mapper;

	/**
	 * What was read from the socket and not yet taken: a frame and its header usually
	 * arrive in one read, so one system call per frame instead of two. Read by one thread
	 * at a time.
	 */
	private final ByteBuffer input = ByteBuffer.allocate(64 * 1024).flip();

	/** How long a spinning channel polls before it blocks; 0 for a blocking channel. */
	private final long spinNanos;

	/** Where a spinning channel's reader blocks once it has polled long enough. */
	private final @Nullable Selector readable;

	/** Where a spinning channel's sender waits while the socket's buffer is full. */
	private final @Nullable Selector writable;

	HostChannel(SocketChannel socket, JsonMapper mapper) {
		this.socket = socket;
		this.mapper = mapper;
		this.spinNanos = 0;
		this.readable = null;
		this.writable = null;
	}

	private HostChannel(SocketChannel socket, JsonMapper mapper, long spinNanos) throws IOException {
		this.socket = socket;
		this.mapper = mapper;
		this.spinNanos = spinNanos;
		socket.configureBlocking(false);
		this.readable = Selector.open();
		this.writable = Selector.open();
		socket.register(this.readable, SelectionKey.OP_READ);
		socket.register(this.writable, SelectionKey.OP_WRITE);
	}

	/**
	 * Returns a channel whose reader polls the socket for up to {@code spin} before it
	 * blocks for the next frame.
	 * @param socket a connected socket, made non-blocking
	 * @param mapper the mapper of the frames
	 * @param spin how long to poll, in nanoseconds
	 * @return the channel
	 * @throws IOException when the socket cannot be made non-blocking
	 */
	static HostChannel spinning(SocketChannel socket, JsonMapper mapper, long spin) throws IOException {
		return new HostChannel(socket, mapper, spin);
	}

	ObjectNode frame(String type) {
		ObjectNode frame = this.mapper.createObjectNode();
		frame.put("t", type);
		return frame;
	}

	JsonMapper mapper() {
		return this.mapper;
	}

	void send(JsonNode frame) throws IOException {
		byte[] body = this.mapper.writeValueAsBytes(frame);
		if (body.length > MAX_FRAME) {
			throw new IOException("A frame of " + body.length + " bytes is over the limit of " + MAX_FRAME);
		}
		ByteBuffer buffer = ByteBuffer.allocate(Integer.BYTES + body.length);
		buffer.putInt(body.length).put(body).flip();
		synchronized (this.socket) {
			while (buffer.hasRemaining()) {
				if (this.socket.write(buffer) == 0 && this.writable != null) {
					// Non-blocking, and the socket's buffer is full: wait for room.
					this.writable.select();
					this.writable.selectedKeys().clear();
				}
			}
		}
	}

	/**
	 * Reads the next frame.
	 * @return the frame
	 * @throws EOFException when the other side closed the channel
	 * @throws ProtocolException when the bytes are not a frame
	 * @throws IOException when the channel failed
	 */
	JsonNode receive() throws IOException {
		ensure(Integer.BYTES);
		int length = this.input.getInt();
		if (length <= 0 || length > MAX_FRAME) {
			throw new ProtocolException("A frame announced " + length + " bytes, outside 1.." + MAX_FRAME);
		}
		byte[] body = new byte[length];
		int buffered = Math.min(length, this.input.remaining());
		this.input.get(body, 0, buffered);
		if (buffered < length) {
			// A large frame: the rest straight into its array.
			ByteBuffer rest = ByteBuffer.wrap(body, buffered, length - buffered);
			while (rest.hasRemaining()) {
				read(rest);
			}
		}
		JsonNode frame;
		try {
			frame = this.mapper.readTree(body);
		}
		catch (RuntimeException ex) {
			throw new ProtocolException("A frame is not valid JSON");
		}
		if (frame == null || !frame.isObject() || !frame.path("t").isString()) {
			throw new ProtocolException("A frame is not a JSON object with a type");
		}
		return frame;
	}

	/** Reads until at least {@code bytes} are buffered. */
	private void ensure(int bytes) throws IOException {
		if (this.input.remaining() >= bytes) {
			return;
		}
		this.input.compact();
		try {
			while (this.input.position() < bytes) {
				read(this.input);
			}
		}
		finally {
			this.input.flip();
		}
	}

	/**
	 * Reads at least one byte into {@code buffer}: a blocking read, or on a spinning
	 * channel a poll of the socket for up to the spin time, then a wait until it is
	 * readable.
	 */
	private void read(ByteBuffer buffer) throws IOException {
		Selector selector = this.readable;
		if (selector == null) {
			if (this.socket.read(buffer) < 0) {
				throw new EOFException("The channel was closed");
			}
			return;
		}
		long end = System.nanoTime() + this.spinNanos;
		while (true) {
			int read = this.socket.read(buffer);
			if (read < 0) {
				throw new EOFException("The channel was closed");
			}
			if (read > 0) {
				return;
			}
			if (System.nanoTime() - end < 0) {
				Thread.onSpinWait();
			}
			else {
				selector.select();
				selector.selectedKeys().clear();
			}
		}
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// Closing a broken channel: nothing more to do.
		}
		closeQuietly(this.readable);
		closeQuietly(this.writable);
	}

	private static void closeQuietly(@Nullable Selector selector) {
		if (selector != null) {
			try {
				selector.close();
			}
			catch (IOException ex) {
				// Nothing more to do.
			}
		}
	}

	/**
	 * The other side sent bytes that are not a frame.
	 */
	static final class ProtocolException extends IOException {

		private static final long serialVersionUID = 1L;

		ProtocolException(String message) {
			super(message);
		}

	}

}
