package dev.workerloader.kv;

/**
 * The bounds of the KV store: sizes in UTF-8 bytes, totals per namespace (one worker id
 * or one explicit namespace).
 *
 * @param maxKeySize bytes of one key
 * @param maxValueSize bytes of one value
 * @param maxKeys keys per namespace
 * @param maxBytes bytes of all keys and values of a namespace
 * @param maxBatchSize operations in one batch
 * @author Worker Loader team
 * @since 0.1.0
 */
public record KvLimits(int maxKeySize, int maxValueSize, long maxKeys, long maxBytes, int maxBatchSize) {

	/**
	 * The default bounds: 512-byte keys, 64 KiB values, 1000 keys and 10 MiB per
	 * namespace, 128 operations per batch.
	 */
	public static final KvLimits DEFAULTS = new KvLimits(512, 64 * 1024, 1000, 10L * 1024 * 1024, 128);

	public KvLimits {
		if (maxKeySize < 1 || maxValueSize < 0 || maxKeys < 1 || maxBytes < 1 || maxBatchSize < 1) {
			throw new IllegalArgumentException("KV limits must be positive: " + maxKeySize + ", " + maxValueSize + ", "
					+ maxKeys + ", " + maxBytes + ", " + maxBatchSize);
		}
	}

}
