package dev.workerloader.kv;

/**
 * {@link InMemoryKvStore} against the store contract.
 */
class InMemoryKvStoreTests extends AbstractKvStoreTests {

	private final InMemoryKvStore store = new InMemoryKvStore();

	@Override
	protected KvStore store() {
		return this.store;
	}

}
