package dev.workerloader.kv;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a worker can call on {@code env.KV}. Values are strings: store JSON with
 * {@code JSON.stringify}.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public interface KvNamespace {

	/**
	 * Returns the value of a key.
	 * @param key the key
	 * @return the value, or {@code null} (JavaScript {@code null}) if absent
	 */
	@Nullable String get(String key);

	/**
	 * Stores a value.
	 * @param key the key
	 * @param value the value
	 */
	void put(String key, String value);

	/**
	 * Removes a key; nothing happens if it is absent.
	 * @param key the key
	 */
	void delete(String key);

	/**
	 * Returns the keys starting with a prefix, in ascending order.
	 * @param prefix the prefix, or {@code null} for all keys
	 * @return the keys
	 */
	List<String> list(@Nullable String prefix);

	/**
	 * Applies puts and deletes all together: if one fails, none is applied.
	 * @param ops the operations, {@code {op: 'put', key, value}} or {@code {op: 'delete',
	 * key}}
	 */
	void batch(List<KvOp> ops);

}
