package dev.workerloader.kv;

import org.jspecify.annotations.Nullable;

/**
 * One operation of {@link KvNamespace#batch(java.util.List)}: {@code {op: 'put', key,
 * value}} or {@code {op: 'delete', key}}.
 *
 * @param op {@code put} or {@code delete}
 * @param key the key
 * @param value the value of a {@code put}
 * @author Worker Loader team
 * @since 0.1.0
 */
public record KvOp(String op, String key, @Nullable String value) {

	/**
	 * Returns a put.
	 * @param key the key
	 * @param value the value
	 * @return the operation
	 */
	public static KvOp put(String key, String value) {
		return new KvOp("put", key, value);
	}

	/**
	 * Returns a delete.
	 * @param key the key
	 * @return the operation
	 */
	public static KvOp delete(String key) {
		return new KvOp("delete", key, null);
	}

	/**
	 * Returns whether this is a put.
	 * @return whether this is a put
	 */
	public boolean isPut() {
		return "put".equals(this.op);
	}

	@Override
	public String toString() {
		// Values may be large or sensitive.
		return "KvOp[" + this.op + " " + this.key + "]";
	}

}
