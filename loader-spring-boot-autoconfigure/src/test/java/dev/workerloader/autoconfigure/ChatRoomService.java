package dev.workerloader.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.workerloader.WorkerBinding;

/**
 * A chat room bean with methods the guest may call (those of {@link ChatRoom}) and
 * methods it must not reach.
 *
 * @author Worker Loader team
 */
@WorkerBinding(value = "CHAT_ROOM", exposedAs = ChatRoom.class)
public class ChatRoomService implements ChatRoom {

	final List<String> messages = new CopyOnWriteArrayList<>(List.of("hello", "world"));

	final AtomicInteger adminCalls = new AtomicInteger();

	final AtomicInteger toStringCalls = new AtomicInteger();

	volatile String postedOn = "";

	@Override
	public List<String> getHistory(int limit) {
		int size = this.messages.size();
		return new ArrayList<>(this.messages.subList(Math.max(0, size - limit), size));
	}

	@Override
	public CompletableFuture<String> post(String message) {
		return CompletableFuture.supplyAsync(() -> {
			this.postedOn = Thread.currentThread().getName();
			this.messages.add(message);
			return "posted " + message;
		}, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
	}

	@Override
	public String fail(String what) {
		throw new UnsupportedOperationException("database password=hunter2 rejected by com.acme.db.Pool");
	}

	public void clear() {
		this.adminCalls.incrementAndGet();
		this.messages.clear();
	}

	@Override
	public String toString() {
		this.toStringCalls.incrementAndGet();
		return "ChatRoomService[password=hunter2]";
	}

}
