package dev.workerloader.kv;

/**
 * Checks the totals of a namespace after a write, with the messages both stores use.
 *
 * @author Worker Loader team
 */
final class KvTotals {

	private KvTotals() {
	}

	static void check(String namespace, long keys, long bytes, KvLimits limits) {
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

}
