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

	private final ByteBuffer header = ByteBuffer.allocate(Integer.BYTES);

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
		this.header.clear();
		fill(this.header);
		int length = this.header.flip().getInt();
		if (length <= 0 || length > MAX_FRAME) {
			throw new ProtocolException("A frame announced " + length + " bytes, outside 1.." + MAX_FRAME);
		}
		ByteBuffer body = ByteBuffer.allocate(length);
		fill(body);
		JsonNode frame;
		try {
			frame = this.mapper.readTree(body.array());
		}
		catch (RuntimeException ex) {
			throw new ProtocolException("A frame is not valid JSON");
		}
		if (frame == null || !frame.isObject() || !frame.path("t").isString()) {
			throw new ProtocolException("A frame is not a JSON object with a type");
		}
		return frame;
	}

	private void fill(ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			if (this.socket.read(buffer) < 0) {
				throw new EOFException("The channel was closed");
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
