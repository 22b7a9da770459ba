package dev.workerloader.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/deploy/compose.yaml} (there is no container engine to run it here): it is
 * valid YAML with two application instances, PostgreSQL, a load balancer and Prometheus;
 * its environment binds, the way Spring Boot binds environment variables, to the settings
 * that make the instances share rate limits, audit trail and KV; the load balancer routes
 * by worker id with consistent hashing and Prometheus scrapes both instances.
 */
class ComposeFileTests {

	private static final Path DEPLOY = Path.of("../docs/deploy");

	@SuppressWarnings("unchecked")
	private static Map<String, Object> yaml(String file) throws Exception {
		return (Map<String, Object>) new Yaml().load(Files.readString(DEPLOY.resolve(file)));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> services() throws Exception {
		return (Map<String, Object>) yaml("compose.yaml").get("services");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> environment(String service) throws Exception {
		Map<String, Object> definition = (Map<String, Object>) services().get(service);
		return (Map<String, Object>) definition.get("environment");
	}

	@Test
	void definesTwoInstancesPostgreSqlALoadBalancerAndPrometheus() throws Exception {
		assertThat(services()).containsOnlyKeys("postgres", "app-1", "app-2", "lb", "prometheus");
		assertThat(environment("app-2")).isEqualTo(environment("app-1"));
	}

	@Test
	void instancesShareRateLimitsAuditAndKvInPostgreSql() throws Exception {
		Map<String, Object> environment = environment("app-1");
		// Bound as Spring Boot binds environment variables (the source name says so).
		StandardEnvironment spring = new StandardEnvironment();
		spring.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(
					"compose-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
		Binder binder = new Binder(ConfigurationPropertySources.get(spring));
		WorkerLoaderProperties properties = binder
			.bind(WorkerLoaderProperties.CONFIG_PREFIX, WorkerLoaderProperties.class)
			.get();
		assertThat(properties.getRateLimits().getStore()).isEqualTo(WorkerLoaderProperties.RateLimits.Store.JDBC);
		assertThat(properties.getAudit().getStore()).isEqualTo(WorkerLoaderProperties.Audit.Store.JDBC);
		assertThat(properties.getKept().getMaxWorkers()).isEqualTo(256);
		assertThat(
				binder.bind(RateLimitJdbcProperties.PREFIX, RateLimitJdbcProperties.class).get().getInitializeSchema())
			.isEqualTo(DatabaseInitializationMode.ALWAYS);
		assertThat(binder.bind(WorkerLoaderKvJdbcProperties.CONFIG_PREFIX, WorkerLoaderKvJdbcProperties.class)
			.get()
			.getInitializeSchema()).isEqualTo(DatabaseInitializationMode.ALWAYS);
		assertThat(binder.bind(AuditJdbcProperties.PREFIX, AuditJdbcProperties.class).get().getInitializeSchema())
			.isEqualTo(DatabaseInitializationMode.ALWAYS);
		assertThat(spring.getProperty("spring.datasource.url")).startsWith("jdbc:postgresql://postgres:5432/");
		assertThat(spring.getProperty("management.endpoints.web.exposure.include")).contains("prometheus");
	}

	@Test
	void passwordsComeFromTheEnvironmentNotTheFile() throws Exception {
		assertThat(environment("app-1").get("SPRING_DATASOURCE_PASSWORD")).asString().startsWith("${POSTGRES_PASSWORD");
		assertThat(environment("postgres").get("POSTGRES_PASSWORD")).asString().startsWith("${POSTGRES_PASSWORD");
	}

	@Test
	void loadBalancerRoutesByWorkerIdWithConsistentHashing() throws Exception {
		String nginx = Files.readString(DEPLOY.resolve("nginx.conf"));
		assertThat(nginx).contains("map $http_x_worker_id $worker_affinity")
			.contains("hash $worker_affinity consistent;")
			.contains("server app-1:8080")
			.contains("server app-2:8080");
	}

	@Test
	@SuppressWarnings("unchecked")
	void prometheusScrapesBothInstances() throws Exception {
		List<Map<String, Object>> jobs = (List<Map<String, Object>>) yaml("prometheus.yml").get("scrape_configs");
		assertThat(jobs).singleElement().satisfies((job) -> {
			assertThat(job).containsEntry("metrics_path", "/actuator/prometheus");
			List<Map<String, Object>> configs = (List<Map<String, Object>>) job.get("static_configs");
			assertThat((List<String>) configs.get(0).get("targets")).containsExactly("app-1:8080", "app-2:8080");
		});
	}

}
