package dev.workerloader.process;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One end of the channel between the application and a worker host: a Unix domain socket
 * carrying length-prefixed frames (a 4-byte big-endian length, then one JSON object).
 * Sends are serialised; one thread receives.
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

	HostChannel(SocketChannel socket, JsonMapper mapper) {
		this.socket = socket;
		this.mapper = mapper;
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
				this.socket.write(buffer);
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
				if (this.socket.read(rest) < 0) {
					throw new EOFException("The channel was closed");
				}
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
				if (this.socket.read(this.input) < 0) {
					throw new EOFException("The channel was closed");
				}
			}
		}
		finally {
			this.input.flip();
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
