package dev.workerloader.actuate.endpoint;

import java.util.Map;

import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code workerloader} endpoint over real HTTP, exposed the standard way
 * ({@code management.endpoints.web.exposure.include}) and secured the standard way
 * (Spring Security with {@link EndpointRequest}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,workerloader",
				"management.endpoint.health.show-details=always" })
class WorkerLoaderEndpointWebTests {

	@LocalServerPort
	private int port;

	@Autowired
	private WorkerLoader loader;

	private RestClient anonymous;

	private RestClient operator;

	@BeforeEach
	void clients() {
		String base = "http://localhost:" + this.port + "/actuator";
		this.anonymous = RestClient.builder()
			.baseUrl(base)
			.defaultStatusHandler(HttpStatusCode::isError, (req, res) -> {
			})
			.build();
		this.operator = this.anonymous.mutate()
			.defaultHeaders((headers) -> headers.setBasicAuth("ops", "ops-pass"))
			.build();
	}

	@Test
	void anonymousCallersAreRefused() {
		assertThat(this.anonymous.get().uri("/workerloader").retrieve().toBodilessEntity().getStatusCode())
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(this.anonymous.delete().uri("/workerloader/anything").retrieve().toBodilessEntity().getStatusCode())
			.isEqualTo(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void operatorsReadTheState() {
		this.loader.get("web-kept", () -> WorkerCode.of("export default { run() { return 1; } }"))
			.getEntrypoint()
			.call("run");
		Map<String, Object> body = this.operator.get()
			.uri("/workerloader")
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
		assertThat(body).containsKeys("runtime", "pool", "quotaKills", "bytecodeCache", "workers", "policies");
		assertThat(body.get("workers")).asString().contains("web-kept");
		assertThat(body.get("policies")).asString().contains("default");
		Map<String, Object> kept = this.operator.get()
			.uri("/workerloader/web-kept")
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
		assertThat(kept).containsEntry("id", "web-kept");
		assertThat(kept.get("workers")).asString().contains("invocations=1").contains("lastOutcome=success");
		assertThat(this.operator.get().uri("/workerloader/not-kept").retrieve().toBodilessEntity().getStatusCode())
			.isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void operatorsEvictAKeptWorker() {
		this.loader.get("web-evicted", () -> WorkerCode.of("export default { run() { return 1; } }"));
		Map<String, Object> evicted = this.operator.delete()
			.uri("/workerloader/web-evicted")
			.retrieve()
			.body(new ParameterizedTypeReference<>() {
			});
		assertThat(evicted).containsEntry("evicted", true);
		assertThat(this.operator.get().uri("/workerloader/web-evicted").retrieve().toBodilessEntity().getStatusCode())
			.isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void healthShowsTheWorkerLoader() {
		String health = this.anonymous.get().uri("/health").retrieve().body(String.class);
		assertThat(health).contains("\"workerloader\"");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class SecuredApplication {

		@Bean
		SecurityFilterChain actuatorSecurity(HttpSecurity http) throws Exception {
			http.securityMatcher(EndpointRequest.toAnyEndpoint())
				.authorizeHttpRequests(
						(requests) -> requests.requestMatchers(EndpointRequest.to(WorkerLoaderEndpoint.class))
							.hasRole("OPS")
							.anyRequest()
							.permitAll())
				.httpBasic(Customizer.withDefaults())
				.csrf((csrf) -> csrf.disable());
			return http.build();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("ops").password("{noop}ops-pass").roles("OPS").build());
		}

	}

}
