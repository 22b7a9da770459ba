package dev.workerloader.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.egress.OutboundHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kept workers (issue 12): the supplier is called only when nothing is kept, a kept
 * worker belongs to one client, the eager form keeps one worker per code identity, and
 * the kept set is bounded by size and idle time, closing what it drops.
 */
class KeptWorkersTests {

	private static final ThreadLocal<String> PRINCIPAL = new ThreadLocal<>();

	private static final String COUNTER = "let n = 0; export default { next() { return ++n; } }";

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void start() {
		loader = GraalWorkerLoader.builder().clientIdResolver(PRINCIPAL::get).build();
	}

	@AfterAll
	static void stop() {
		loader.close();
	}

	@Test
	void theSupplierIsCalledOnlyWhenNothingIsKeptEvenIfItIsANewInstance() {
		AtomicInteger supplied = new AtomicInteger();
		try {
			Worker first = loader.get("lazy", counting(supplied, COUNTER));
			assertThat(first.getEntrypoint().call("next")).isEqualTo(1);
			for (int i = 0; i < 5; i++) {
				// A new supplier instance each time, as a request handler would write it.
				Worker again = loader.get("lazy", counting(supplied, "export default { next() { return 'other'; } }"));
				assertThat(again).isSameAs(first);
			}
			assertThat(first.getEntrypoint().call("next")).isEqualTo(2);
			assertThat(supplied).hasValue(1);
		}
		finally {
			loader.evict("lazy");
		}
	}

	@Test
	void twoClientsNeverShareAKeptWorkerUnderOneId() {
		AtomicInteger supplied = new AtomicInteger();
		try {
			PRINCIPAL.set("principal:alice");
			Worker alice = loader.get("agent", counting(supplied, COUNTER));
			assertThat(alice.getEntrypoint().call("next")).isEqualTo(1);
			PRINCIPAL.set("principal:bob");
			Worker bob = loader.get("agent", counting(supplied, COUNTER));
			assertThat(bob).isNotSameAs(alice);
			assertThat(bob.getEntrypoint().call("next")).isEqualTo(1);
			PRINCIPAL.remove();
			Worker anonymous = loader.get("agent", counting(supplied, COUNTER));
			assertThat(anonymous).isNotSameAs(alice).isNotSameAs(bob);
			PRINCIPAL.set("principal:alice");
			assertThat(loader.get("agent", counting(supplied, COUNTER))).isSameAs(alice);
			assertThat(supplied).hasValue(3);
			assertThat(loader.keptWorker("agent")).hasSize(3);
		}
		finally {
			PRINCIPAL.remove();
			assertThat(loader.evict("agent")).isTrue();
		}
		assertThat(loader.keptWorker("agent")).isEmpty();
	}

	@Test
	void anExplicitClientIdScopesTheEagerForm() {
		try {
			Worker one = loader.get("tenant-agent",
					WorkerCode.builder().module("agent.js", COUNTER).clientId("c1").build());
			Worker two = loader.get("tenant-agent",
					WorkerCode.builder().module("agent.js", COUNTER).clientId("c2").build());
			assertThat(two).isNotSameAs(one);
			assertThat(
					loader.get("tenant-agent", WorkerCode.builder().module("agent.js", COUNTER).clientId("c1").build()))
				.isSameAs(one);
		}
		finally {
			loader.evict("tenant-agent");
		}
	}

	@Test
	void theEagerFormKeepsOneWorkerPerFullIdentity() {
		Api api = new Api();
		OutboundHandler handler = (request) -> request;
		try {
			Worker plain = loader.get("eager", code().env("REGION", "eu").build());
			assertThat(loader.get("eager", code().env("REGION", "eu").build())).as("equal code and env")
				.isSameAs(plain);
			assertThat(loader.get("eager", code().env("REGION", "us").build())).as("another env value")
				.isNotSameAs(plain);
			Worker withApi = loader.get("eager", code().env("api", api, Contract.class).build());
			assertThat(loader.get("eager", code().env("api", api, Contract.class).build()))
				.as("the same binding object")
				.isSameAs(withApi);
			assertThat(loader.get("eager", code().env("api", new Api(), Contract.class).build()))
				.as("another binding object")
				.isNotSameAs(withApi);
			Worker withHandler = loader.get("eager", code().globalOutbound(handler).build());
			assertThat(loader.get("eager", code().globalOutbound(handler).build())).isSameAs(withHandler);
			assertThat(loader.get("eager", code().globalOutbound((request) -> request).build()))
				.as("another outbound handler")
				.isNotSameAs(withHandler);
			assertThat(loader.get("eager", WorkerCode.builder().module("agent.js", COUNTER + "\n").build()))
				.as("other code")
				.isNotSameAs(plain);
			assertThat(loader.keptWorker("eager")).hasSize(7);
		}
		finally {
			loader.evict("eager");
		}
	}

	@Test
	void aKilledKeptWorkerIsLoadedAgain() {
		AtomicInteger supplied = new AtomicInteger();
		try {
			Worker first = loader.get("closing", counting(supplied, COUNTER));
			first.close();
			Worker second = loader.get("closing", counting(supplied, COUNTER));
			assertThat(second).isNotSameAs(first);
			assertThat(second.isClosed()).isFalse();
			assertThat(supplied).hasValue(2);
		}
		finally {
			loader.evict("closing");
		}
	}

	@Test
	void theKeptSetIsBoundedAndClosesWhatItDrops() {
		try (GraalWorkerLoader small = GraalWorkerLoader.builder().keptMaxWorkers(2).build()) {
			List<Worker> workers = List.of(small.get("a", () -> WorkerCode.of(COUNTER)),
					small.get("b", () -> WorkerCode.of(COUNTER)), small.get("c", () -> WorkerCode.of(COUNTER)));
			assertThat(small.keptWorkers()).isEqualTo(2);
			assertThat(small.keptEvictions()).isEqualTo(1);
			assertThat(workers).filteredOn(Worker::isClosed).hasSize(1);
			for (int i = 0; i < 50; i++) {
				small.get("id-" + i, () -> WorkerCode.of(COUNTER));
			}
			assertThat(small.keptWorkers()).isEqualTo(2);
			assertThat(small.keptEvictions()).isEqualTo(51);
			assertThat(small.activeWorkers()).isEqualTo(2);
		}
	}

	@Test
	void anIdleKeptWorkerIsClosed() {
		try (GraalWorkerLoader idle = GraalWorkerLoader.builder().keptIdleTimeout(Duration.ofMillis(200)).build()) {
			Worker worker = idle.get("idle", () -> WorkerCode.of(COUNTER));
			await().atMost(Duration.ofSeconds(10)).until(worker::isClosed);
			assertThat(idle.keptWorkers()).isZero();
			assertThat(idle.keptEvictions()).isEqualTo(1);
		}
	}

	private static WorkerCode.Builder code() {
		return WorkerCode.builder().module("agent.js", COUNTER);
	}

	private static Supplier<WorkerCode> counting(AtomicInteger counter, String source) {
		return () -> {
			counter.incrementAndGet();
			return WorkerCode.of(source);
		};
	}

	public interface Contract {

		String echo(String value);

	}

	public static final class Api implements Contract {

		@Override
		public String echo(String value) {
			return value;
		}

	}

}
