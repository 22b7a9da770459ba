package dev.workerloader.kv;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where KV data lives. Keys are grouped in namespaces ({@code worker:<id>} or
 * {@code ns:<name>}) that never see each other. Implementations must be thread-safe and
 * make {@link #apply} atomic: all operations or none, and the namespace totals checked
 * against the limits before anything becomes visible.
 * <p>
 * {@link InMemoryKvStore} keeps data in this JVM; {@code JdbcKvStore}
 * (loader-spring-boot-autoconfigure) in a database, which several application instances
 * can share.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public interface KvStore {

	/**
	 * Returns the value of a key.
	 * @param namespace the namespace
	 * @param key the key
	 * @return the value, or {@code null}
	 */
	@Nullable String get(String namespace, String key);

	/**
	 * Returns the keys starting with {@code prefix}, in ascending order.
	 * @param namespace the namespace
	 * @param prefix the prefix, empty for all keys
	 * @return the keys
	 */
	List<String> list(String namespace, String prefix);

	/**
	 * Applies the operations atomically.
	 * @param namespace the namespace
	 * @param ops the operations, already checked for key and value sizes
	 * @param limits the namespace totals to enforce
	 * @throws KvLimitExceededException if the result would exceed a total; nothing is
	 * applied then
	 */
	void apply(String namespace, List<KvOp> ops, KvLimits limits);

}
