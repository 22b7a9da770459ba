package dev.workerloader.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The test network below the egress guard (issue 12): it is installed in every test JVM
 * without a test asking for it, it refuses and records every non-loopback destination
 * without opening a socket, it resolves no name but {@code localhost}, and
 * {@code fetch()} passes every hop through it with the address it connects to.
 */
class LoopbackOnlyNetworkTests {

	private final LoopbackOnlyNetwork network = new LoopbackOnlyNetwork();

	@AfterEach
	void forgetProvokedViolations() {
		LoopbackOnlyNetwork.takeViolations();
	}

	@Test
	void isInstalledForEveryTestByAutoDetection() {
		// Nothing in this class installs it: JUnit's extension auto-detection did.
		assertThat(NetworkAccess.current().getClass().getName()).isEqualTo(LoopbackOnlyNetwork.class.getName());
	}

	@Test
	void refusesAndRecordsANonLoopbackDestinationWithoutConnecting() throws Exception {
		InetAddress metadata = InetAddress.getByAddress(new byte[] { (byte) 169, (byte) 254, (byte) 169, (byte) 254 });
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> this.network.beforeConnect(URI.create("http://169.254.169.254:80/latest"), metadata, 80))
			.withMessageContaining("only connect to loopback");
		InetAddress publicAddress = InetAddress.getByAddress(new byte[] { 93, (byte) 184, (byte) 216, 34 });
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> this.network.beforeConnect(URI.create("https://93.184.216.34:443/"), publicAddress, 443));
		assertThat(LoopbackOnlyNetwork.takeViolations()).containsExactly("169.254.169.254:80 (169.254.169.254)",
				"93.184.216.34:443 (93.184.216.34)");
	}

	@Test
	void refusesAPinnedUriThatIsNotTheLoopbackAddressChecked() throws Exception {
		InetAddress loopback = InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 });
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> this.network.beforeConnect(URI.create("http://10.0.0.5:8080/"), loopback, 8080));
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> this.network.beforeConnect(URI.create("http://example.com:8080/"), loopback, 8080));
		assertThat(LoopbackOnlyNetwork.takeViolations()).hasSize(2);
	}

	@Test
	void letsLoopbackThrough() throws Exception {
		this.network.beforeConnect(URI.create("http://127.0.0.1:8080/"),
				InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 }), 8080);
		this.network.beforeConnect(URI.create("http://[::1]:8080/"), InetAddress.getByName("::1"), 8080);
		assertThat(LoopbackOnlyNetwork.takeViolations()).isEmpty();
	}

	@Test
	void resolvesNoNameButLocalhostAndLiterals() throws Exception {
		for (String name : List.of("example.com", "metadata.google.internal", "999.1.1.1", "localhost.example.com")) {
			assertThatExceptionOfType(UnknownHostException.class).as(name).isThrownBy(() -> this.network.resolve(name));
		}
		assertThat(this.network.resolve("localhost"))
			.allSatisfy((address) -> assertThat(address.isLoopbackAddress()).isTrue());
		assertThat(this.network.resolve("10.0.0.5")[0].getHostAddress()).isEqualTo("10.0.0.5");
		assertThat(this.network.resolve("::1")[0].isLoopbackAddress()).isTrue();
	}

	@Test
	void fetchPassesEveryHopThroughTheNetworkWithTheAddressItConnectsTo() throws Exception {
		List<String> connects = new CopyOnWriteArrayList<>();
		NetworkAccess.Network installed = NetworkAccess.current();
		NetworkAccess.install(new NetworkAccess.Network() {

			@Override
			public InetAddress[] resolve(String host) throws UnknownHostException {
				return installed.resolve(host);
			}

			@Override
			public void beforeConnect(URI pinned, InetAddress address, int port) throws IOException {
				connects.add(pinned.getHost() + ":" + port + " " + address.getHostAddress() + " " + pinned.getPath());
				installed.beforeConnect(pinned, address, port);
			}

		});
		try (EgressTestServer server = new EgressTestServer();
				GraalWorkerLoader loader = GraalWorkerLoader.builder()
					.policies(PolicyResolver
						.of(WorkerPolicy.of("local", WorkerLimits.DEFAULTS.withWallTime(Duration.ofSeconds(20)))
							.withOutbound(List.of("localhost:" + server.port()), null)))
					.build();
				Worker worker = loader.load(WorkerCode.builder()
					.policy("local")
					.module("agent.js",
							"export default { async run(p) { const r = await fetch(p.url); return [r.status, await r.text()]; } }")
					.build())) {
			Object result = worker.getEntrypoint()
				.call("run", Map.of("url", "http://localhost:" + server.port() + "/redirect-ok"));
			assertThat(result).isEqualTo(List.of(200, "hello from localhost:" + server.port()));
			assertThat(connects).containsExactly("127.0.0.1:" + server.port() + " 127.0.0.1 /redirect-ok",
					"127.0.0.1:" + server.port() + " 127.0.0.1 /hello");
		}
		finally {
			NetworkAccess.install(installed);
		}
	}

}
