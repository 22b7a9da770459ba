package dev.workerloader.web;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.http.RequestEntity;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A controller serves HTTP through a worker's {@code fetch()} handler over a real HTTP
 * server (issue 19).
 */
// The first request may load the URL library on a cold interpreter: room for that.
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "worker-loader.policies.default.limits.cpu-time=20s")
class WorkerHttpWebTests {

	@LocalServerPort
	private int port;

	@Test
	void controllerServesHttpThroughAWorker() {
		RestClient client = RestClient.create("http://127.0.0.1:" + this.port);
		ResponseEntity<String> echo = client.post()
			.uri("/app/echo?name=bob")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"n\":41}")
			.retrieve()
			.toEntity(String.class);
		assertThat(echo.getStatusCode().value()).isEqualTo(200);
		assertThat(echo.getHeaders().getFirst("x-served-by")).isEqualTo("worker");
		assertThat(echo.getBody()).isEqualTo("{\"hello\":\"bob\",\"next\":42,\"path\":\"/app/echo\"}");
		ResponseEntity<String> missing = client.get()
			.uri("/app/missing")
			.retrieve()
			.onStatus((status) -> true, (request, response) -> {
			})
			.toEntity(String.class);
		assertThat(missing.getStatusCode().value()).isEqualTo(404);
		assertThat(missing.getBody()).isEqualTo("no route");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@RestController
	static class App {

		private final Worker worker;

		App(WorkerLoader loader) {
			this.worker = loader.get("http-app", WorkerCode.of("""
					export default {
					  async fetch(request, env, ctx) {
					    const url = new URL(request.url);
					    if (url.pathname === '/app/echo' && request.method === 'POST') {
					      const { n } = await request.json();
					      return Response.json({ hello: url.searchParams.get('name'), next: n + 1, path: url.pathname },
					        { headers: { 'x-served-by': 'worker' } });
					    }
					    return new Response('no route', { status: 404 });
					  }
					}"""));
		}

		@Bean
		SecurityFilterChain open(HttpSecurity http) {
			// Security is on the test classpath: this app serves anyone.
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				.csrf((csrf) -> csrf.disable())
				.build();
		}

		@RequestMapping("/app/**")
		ResponseEntity<byte[]> app(RequestEntity<byte[]> request) {
			return WorkerHttp.serve(this.worker.getEntrypoint(), request);
		}

	}

}
