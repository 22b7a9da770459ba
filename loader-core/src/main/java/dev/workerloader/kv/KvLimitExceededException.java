package dev.workerloader.kv;

/**
 * Thrown when a write would take a KV namespace over its key count or byte total. The
 * message reaches the guest; nothing of the refused write (or batch) was stored.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class KvLimitExceededException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates a new exception.
	 * @param message what limit, its value and the property that sets it
	 */
	public KvLimitExceededException(String message) {
		super(message);
	}

}
