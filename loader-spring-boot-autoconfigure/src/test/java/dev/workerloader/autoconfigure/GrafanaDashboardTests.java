package dev.workerloader.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.WorkerRateLimitedException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Grafana dashboard in {@code docs/deploy/grafana/} queries only series that exist:
 * after a few invocations in a real context (one succeeds, one is killed, one is rate
 * limited), every {@code worker_loader_*} name in every panel query is in the Prometheus
 * scrape, with every label the query groups or filters by.
 */
class GrafanaDashboardTests {

	private static final Path DASHBOARD = Path.of("../docs/deploy/grafana/worker-loader-dashboard.json");

	private static final Pattern SERIES = Pattern.compile("\\b(worker_loader_[a-z_]+)\\b");

	private static final Pattern BY = Pattern.compile("\\bby\\s*\\(([^)]*)\\)");

	private static final Pattern MATCHER = Pattern.compile("(worker_loader_[a-z_]+)\\{([^}]*)}");

	/**
	 * Labels Prometheus adds when it scrapes, and Prometheus' own bucket label.
	 */
	private static final Set<String> SCRAPE_LABELS = Set.of("instance", "job", "le");

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
						PrometheusMetricsExportAutoConfiguration.class, ObservationAutoConfiguration.class,
						WorkerLoaderAutoConfiguration.class, WorkerLoaderMetricsAutoConfiguration.class))
		// As docs/operations.md recommends, for the latency quantiles.
		.withPropertyValues("management.metrics.distribution.percentiles-histogram.worker.loader.execution=true",
				"worker-loader.policies.default.limits.cpu-time=200ms",
				"worker-loader.policies.metered.rate-limit.capacity=1",
				"worker-loader.policies.metered.rate-limit.refill-tokens=1",
				"worker-loader.policies.metered.rate-limit.refill-period=1h");

	@Test
	void everySeriesTheDashboardQueriesExists() {
		this.contextRunner.run((context) -> {
			invokeSome(context);
			Map<String, Set<String>> scraped = scrape(context.getBean(PrometheusMeterRegistry.class));
			List<String> queries = queries();
			assertThat(queries).hasSizeGreaterThanOrEqualTo(10);
			for (String query : queries) {
				Set<String> names = new LinkedHashSet<>();
				Matcher series = SERIES.matcher(query);
				while (series.find()) {
					names.add(series.group(1));
				}
				assertThat(names).as("query %s names no worker_loader_* series", query).isNotEmpty();
				for (String name : names) {
					assertThat(scraped).as("series of query %s", query).containsKey(name);
				}
				Set<String> labels = new TreeSet<>();
				Matcher by = BY.matcher(query);
				while (by.find()) {
					for (String label : by.group(1).split(",")) {
						labels.add(label.trim());
					}
				}
				Matcher matcher = MATCHER.matcher(query);
				while (matcher.find()) {
					for (String selector : matcher.group(2).split(",")) {
						labels.add(selector.split("[=!~]")[0].trim());
					}
				}
				labels.removeAll(SCRAPE_LABELS);
				for (String name : names) {
					assertThat(scraped.get(name)).as("labels of %s in query %s", name, query).containsAll(labels);
				}
			}
		});
	}

	@Test
	void dashboardCoversWhatOperationsMdPromises() throws Exception {
		String all = String.join("\n", queries());
		assertThat(all).contains("worker_loader_execution_seconds_count", "worker_loader_execution_seconds_bucket",
				"worker_loader_quota_kills_total", "worker_loader_pool_", "worker_loader_cache_requests_total",
				"worker_loader_workers_kept", "worker_loader_rate_limited_total", "worker_loader_ratelimit_store");
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		assertThat(dashboard.get("uid").asString()).isEqualTo("worker-loader");
		assertThat(dashboard.get("title").asString()).isEqualTo("Worker Loader");
	}

	private static void invokeSome(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		WorkerLoader loader = context.getBean(WorkerLoader.class);
		String source = "export default { run(p) { return p * 2; }, spin() { while (true) {} } }";
		for (int i = 0; i < 2; i++) {
			try (Worker worker = loader.load(WorkerCode.builder().name("good").module("agent.js", source).build())) {
				assertThat(worker.getEntrypoint().call("run", 21)).isEqualTo(42);
			}
		}
		try (Worker worker = loader.load(WorkerCode.builder().name("runaway").module("agent.js", source).build())) {
			assertThatExceptionOfType(WorkerQuotaExceededException.class)
				.isThrownBy(() -> worker.getEntrypoint().call("spin"));
		}
		try (Worker worker = loader
			.load(WorkerCode.builder().name("metered").policy("metered").module("agent.js", source).build())) {
			assertThatExceptionOfType(WorkerRateLimitedException.class)
				.isThrownBy(() -> worker.getEntrypoint().call("run", 1));
		}
		try (Worker kept = loader.get("kept", () -> WorkerCode.builder().module("agent.js", source).build())) {
			assertThat(kept.getEntrypoint().call("run", 2)).isEqualTo(4);
		}
	}

	/**
	 * Sample names of the scrape, with the labels each carries.
	 */
	private static Map<String, Set<String>> scrape(PrometheusMeterRegistry registry) {
		Map<String, Set<String>> series = new TreeMap<>();
		for (String line : registry.scrape().split("\n")) {
			if (line.isBlank() || line.startsWith("#")) {
				continue;
			}
			int brace = line.indexOf('{');
			int space = line.indexOf(' ');
			String name = line.substring(0, (brace >= 0 && brace < space) ? brace : space);
			Set<String> labels = series.computeIfAbsent(name, (key) -> new TreeSet<>());
			if (brace >= 0 && brace < space) {
				String body = line.substring(brace + 1, line.indexOf('}'));
				for (String pair : body.split(",(?=[a-z_]+=)")) {
					labels.add(pair.substring(0, pair.indexOf('=')));
				}
			}
		}
		return series;
	}

	private static List<String> queries() throws Exception {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		List<String> queries = new ArrayList<>();
		for (JsonNode expr : dashboard.findValues("expr")) {
			queries.add(expr.asString());
		}
		return queries;
	}

}
