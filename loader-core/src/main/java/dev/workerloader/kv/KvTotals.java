package dev.workerloader.kv;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Checks the totals of a namespace after a write, with the messages every store uses (for
 * {@link KvStore} implementations).
 *
 * @since 0.1.0
 * @author Worker Loader team
 */
public final class KvTotals {

	private KvTotals() {
	}

	/**
	 * Throws when a namespace would exceed its limits.
	 * @param namespace the namespace
	 * @param keys the number of keys after the write
	 * @param bytes the bytes after the write
	 * @param limits the limits
	 * @throws KvLimitExceededException naming the limit and its key
	 */
	public static void check(String namespace, long keys, long bytes, KvLimits limits) {
		if (keys > limits.maxKeys()) {
			throw new KvLimitExceededException("KV namespace '" + namespace + "' would hold " + keys
					+ " keys, over the limit of " + limits.maxKeys()
					+ " (worker-loader.kv.max-keys); nothing was written. Delete keys first.");
		}
		if (bytes > limits.maxBytes()) {
			throw new KvLimitExceededException("KV namespace '" + namespace + "' would hold " + bytes
					+ " bytes, over the limit of " + limits.maxBytes()
					+ " (worker-loader.kv.max-bytes); nothing was written. Delete keys first.");
		}
	}

	/**
	 * Returns the bytes an entry counts against {@code max-bytes}: its key and value in
	 * UTF-8.
	 * @param key the key
	 * @param value the value, or {@code null} for a deletion
	 * @return the size in bytes
	 */
	public static long size(String key, @Nullable String value) {
		return key.getBytes(StandardCharsets.UTF_8).length
				+ ((value != null) ? value.getBytes(StandardCharsets.UTF_8).length : 0);
	}

}
