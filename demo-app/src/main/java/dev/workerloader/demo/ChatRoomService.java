package dev.workerloader.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import dev.workerloader.WorkerBinding;

import org.springframework.stereotype.Service;

/**
 * An in-memory chat room, exposed to workers as {@code env.CHAT_ROOM}. Its other public
 * methods ({@link #clear()}) are not reachable from a worker.
 *
 * @author Worker Loader team
 */
@Service
@WorkerBinding(value = "CHAT_ROOM", exposedAs = ChatRoom.class)
public class ChatRoomService implements ChatRoom {

	private static final int MAX_TEXT = 500;

	private final List<Message> messages = new ArrayList<>();

	private final AtomicLong ids = new AtomicLong();

	public ChatRoomService() {
		this.messages.add(new Message(this.ids.incrementAndGet(), "alice", "Hi! Has anyone tried the sandbox yet?"));
		this.messages
			.add(new Message(this.ids.incrementAndGet(), "bob", "Yes, agents write JavaScript against our API."));
	}

	@Override
	public synchronized List<Message> history(int limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1");
		}
		int from = Math.max(0, this.messages.size() - limit);
		return List.copyOf(this.messages.subList(from, this.messages.size()));
	}

	@Override
	public CompletableFuture<Message> post(String author, String text) {
		if (text == null || text.isBlank() || text.length() > MAX_TEXT) {
			throw new IllegalArgumentException("text must be 1 to " + MAX_TEXT + " characters");
		}
		// Stored asynchronously, as a real service writing to a database or a broker
		// would.
		return CompletableFuture.supplyAsync(() -> {
			synchronized (this) {
				Message message = new Message(this.ids.incrementAndGet(), author, text);
				this.messages.add(message);
				return message;
			}
		});
	}

	/**
	 * Deletes every message. Public, but not part of {@link ChatRoom}: workers cannot
	 * call it.
	 */
	public synchronized void clear() {
		this.messages.clear();
	}

}
