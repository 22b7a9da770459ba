package dev.workerloader.hostile;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.binding.ExposedBinding;
import dev.workerloader.kv.KvBinding;
import dev.workerloader.kv.KvLimits;
import dev.workerloader.kv.jdbc.JdbcKvStore;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.sandbox.GraalWorkerLoader;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.workerloader.hostile.Hostile.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * Fault injection in the infrastructure a worker reaches: an outbound server that resets
 * connections or never answers, and the KV database going away. Each gives the guest a
 * clear error without host details or secrets, and a bystander worker is untouched.
 */
class InfrastructureFaultTests {

	private static ServerSocket resetting;

	private static ServerSocket silent;

	private static Thread acceptor;

	private static JdbcDataSource database;

	private static GraalWorkerLoader loader;

	private static Worker bystander;

	@BeforeAll
	static void start() throws Exception {
		resetting = new ServerSocket();
		resetting.bind(new InetSocketAddress("127.0.0.1", 0));
		silent = new ServerSocket();
		silent.bind(new InetSocketAddress("127.0.0.1", 0));
		acceptor = new Thread(() -> {
			while (!resetting.isClosed()) {
				try (Socket socket = resetting.accept()) {
					// Read a little of the request, then reset the connection (RST, not
					// FIN).
					socket.getInputStream().read(new byte[64]);
					socket.setSoLinger(true, 0);
				}
				catch (Exception ex) {
					// closed: the test is over
				}
			}
		}, "resetting-server");
		acceptor.setDaemon(true);
		acceptor.start();
		database = new JdbcDataSource();
		database.setURL("jdbc:h2:mem:kv-fault;DB_CLOSE_DELAY=-1");
		JdbcKvStore store = new JdbcKvStore(database);
		new ResourceDatabasePopulator(new ClassPathResource("dev/workerloader/kv/jdbc/schema-h2.sql"))
			.execute(database);
		KvBinding kv = new KvBinding(store, new KvLimits(64, 1000, 100, 100_000, 100));
		ExposedBinding registered = ExposedBinding.of(KvBinding.NAME, kv, null);
		BindingProvider bindings = BindingProvider.of(registered);
		WorkerLimits limits = WorkerLimits.DEFAULTS.withWallTime(Duration.ofSeconds(10));
		List<String> hosts = List.of("http://127.0.0.1:" + resetting.getLocalPort(),
				"http://127.0.0.1:" + silent.getLocalPort());
		loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(Hostile.policy("default", limits).withOutbound(hosts, null)))
			.bindings(bindings)
			.build();
		assertThat(loader.awaitReady(Duration.ofSeconds(60))).isTrue();
		bystander = loader.load(WorkerCode.of("export default { run(n) { return n + 1; } }"));
	}

	@AfterAll
	static void stop() throws Exception {
		bystander.close();
		loader.close();
		resetting.close();
		silent.close();
	}

	@AfterEach
	void bystanderIsUntouched() {
		assertThat(bystander.getEntrypoint().call("run", 1)).isEqualTo(2);
		Hostile.assertHostAliveAndClean(loader);
	}

	private static Object fetch(int port) {
		String source = """
				export default {
				  async run(p, env) {
				    try { const r = await fetch('http://127.0.0.1:' + p.port + '/x?key=' + env.API_KEY); return { status: r.status }; }
				    catch (e) { return { name: e.name, message: e.message, stack: String(e.stack) }; }
				  }
				}""";
		try (Worker worker = loader.load(WorkerCode.of(source))) {
			return worker.getEntrypoint().call("run", Map.of("port", port));
		}
	}

	@Test
	void outboundServerThatResetsTheConnectionIsAGuestTypeError() {
		Object result = fetch(resetting.getLocalPort());
		assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("name", "TypeError");
		assertThat(result.toString()).doesNotContain(SECRET).doesNotContain("java.").doesNotContain("jdk.");
	}

	@Test
	void outboundServerThatNeverAnswersTimesOut() {
		// The silent server accepts into its backlog and never replies: the policy's
		// outbound
		// timeout (5 s by default) ends the fetch well inside the wall-time limit.
		Object result = fetch(silent.getLocalPort());
		assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("name", "TypeError");
		assertThat(result.toString()).doesNotContain(SECRET).doesNotContain("java.");
	}

	@Test
	void kvDatabaseGoingAwayIsAClearGuestErrorAndTheNextWorkerStillRuns() throws Exception {
		String source = """
				export default {
				  async put(p, env) { await env.KV.put('k', p.value); return await env.KV.get('k'); },
				  async tryPut(p, env) {
				    try { await env.KV.put('k', 'after'); return 'stored'; }
				    catch (e) { return { name: e.name, message: e.message }; }
				  }
				}""";
		try (Worker worker = loader
			.load(WorkerCode.builder().name("kv-user").module("agent.js", source).env("KV").build())) {
			assertThat(worker.getEntrypoint().call("put", Map.of("value", "before"))).isEqualTo("before");
			try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("DROP ALL OBJECTS");
			}
			Object result = worker.getEntrypoint().call("tryPut");
			assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
				.containsEntry("name", "Error")
				.extractingByKey("message")
				.asString()
				.contains("env.KV.put failed on the host")
				.doesNotContain("SQL")
				.doesNotContain("org.h2")
				.doesNotContain(SECRET);
		}
	}

}
