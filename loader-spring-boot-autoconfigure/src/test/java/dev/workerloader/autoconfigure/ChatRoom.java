package dev.workerloader.autoconfigure;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The interface a test chat room is exposed as.
 *
 * @author Worker Loader team
 */
public interface ChatRoom {

	List<String> getHistory(int limit);

	CompletableFuture<String> post(String message);

	String fail(String what);

}
