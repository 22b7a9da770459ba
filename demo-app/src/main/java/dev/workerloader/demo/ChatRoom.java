package dev.workerloader.demo;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What an agent may do in the chat room. Only the methods of this interface are callable
 * from a worker: {@code env.CHAT_ROOM.history(10)},
 * {@code await env.CHAT_ROOM.post(...)}.
 *
 * @author Worker Loader team
 */
public interface ChatRoom {

	/**
	 * Returns the most recent messages, oldest first.
	 * @param limit how many messages at most
	 * @return the messages
	 */
	List<Message> history(int limit);

	/**
	 * Posts a message as the given author.
	 * @param author who writes
	 * @param text the text
	 * @return the posted message, once stored
	 */
	CompletableFuture<Message> post(String author, String text);

	/**
	 * A chat message.
	 *
	 * @param id the sequence number
	 * @param author who wrote it
	 * @param text the text
	 */
	record Message(long id, String author, String text) {
	}

}
