package dev.workerloader.demo;

import java.util.Map;

import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import dev.workerloader.WorkerLoaderStatistics;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo is safe to start on a laptop (issue 14): it listens on loopback only, and the
 * actuator offers no write operation without authentication, so nobody can evict kept
 * workers through {@code DELETE /actuator/workerloader/{id}}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class DemoExposureTests {

	@LocalServerPort
	private int port;

	@Autowired
	private ServerProperties server;

	@Autowired
	private WorkerLoader loader;

	@Autowired
	private WorkerLoaderStatistics statistics;

	@Test
	void listensOnLoopbackOnly() {
		assertThat(this.server.getAddress()).isNotNull();
		assertThat(this.server.getAddress().isLoopbackAddress()).isTrue();
	}

	@Test
	void workerLoaderEndpointIsReadableButItsDeleteIsNotAvailable() {
		this.loader.get("demo-kept",
				() -> WorkerCode.builder()
					.name("demo-kept")
					.module("agent.js", "export default { run() { return 1; } }")
					.build());
		RestClient client = RestClient.create("http://127.0.0.1:" + this.port);
		Map<String, Object> state = client.get()
			.uri("/actuator/workerloader")
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
		assertThat(state).containsKey("workers");
		HttpStatusCode status = client.delete()
			.uri("/actuator/workerloader/demo-kept")
			.exchange((request, response) -> response.getStatusCode());
		assertThat(status.is4xxClientError()).as("DELETE answered %s", status).isTrue();
		assertThat(this.statistics.keptWorkerIds()).contains("demo-kept");
		this.loader.evict("demo-kept");
	}

}
