package dev.workerloader.kv;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link InMemoryKvStore} against the store contract, and its global cap (issue 13).
 */
class InMemoryKvStoreTests extends AbstractKvStoreTests {

	private final InMemoryKvStore store = new InMemoryKvStore();

	@Override
	protected KvStore store() {
		return this.store;
	}

	@Test
	void manyNamespacesUnderTheirOwnLimitsCannotPassTheGlobalCap() {
		InMemoryKvStore small = new InMemoryKvStore(10_000);
		String value = "v".repeat(1000);
		for (int i = 0; i < 9; i++) {
			small.apply("ns-" + i, List.of(KvOp.put("k", value)), KvLimits.DEFAULTS);
		}
		assertThatExceptionOfType(KvLimitExceededException.class)
			.isThrownBy(() -> small.apply("ns-9", List.of(KvOp.put("k", value + value)), KvLimits.DEFAULTS))
			.withMessageContaining("cap of 10000 bytes over all namespaces")
			.withMessageContaining("'ns-9'");
		assertThat(small.get("ns-9", "k")).isNull();
		// Deleting gives the room back.
		small.apply("ns-0", List.of(KvOp.delete("k")), KvLimits.DEFAULTS);
		small.apply("ns-9", List.of(KvOp.put("k", value)), KvLimits.DEFAULTS);
		assertThat(small.totalBytes()).isEqualTo(9 * (1 + 1000));
	}

}
