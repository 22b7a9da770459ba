package dev.workerloader.autoconfigure;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import dev.workerloader.WorkerRateLimitedException;
import dev.workerloader.egress.OutboundHandler;
import dev.workerloader.egress.OutboundLimits;
import dev.workerloader.kv.InMemoryKvStore;
import dev.workerloader.kv.KvBinding;
import dev.workerloader.kv.KvLimits;
import dev.workerloader.kv.KvStore;
import dev.workerloader.kv.jdbc.JdbcKvStore;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.RateLimit;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.ratelimit.ClientIdResolver;
import dev.workerloader.ratelimit.ClientRateLimiter;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Auto-configuration of issue 6: the KV binding and its store, outbound and rate-limit
 * properties, the outbound handler bean and the rate limiter.
 *
 * @author Worker Loader team
 */
class WorkerLoaderEgressAutoConfigurationTests {

	private static final String KV_AGENT = """
			export default {
			  async count(p, env) {
			    const n = Number((await env.KV.get('count')) ?? '0') + 1;
			    await env.KV.put('count', String(n));
			    return n;
			  }
			}
			""";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(WorkerLoaderAutoConfiguration.class, WorkerLoaderKvAutoConfiguration.class));

	@Test
	void kvIsKeptInMemoryWithoutADataSource() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(KvBinding.class);
			assertThat(context).getBean(KvStore.class).isInstanceOf(InMemoryKvStore.class);
		});
	}

	@Test
	void kvIsKeptInTheDataSourceWhenThereIsOne() {
		this.contextRunner.withUserConfiguration(H2Configuration.class).run((context) -> {
			assertThat(context).getBean(KvStore.class).isInstanceOf(JdbcKvStore.class);
			JdbcClient jdbc = JdbcClient.create(context.getBean(javax.sql.DataSource.class));
			assertThat(jdbc.sql("SELECT COUNT(*) FROM worker_kv").query(Integer.class).single()).isNotNull();
		});
	}

	@Test
	void kvBacksOffWhenDisabled() {
		this.contextRunner.withPropertyValues("worker-loader.kv.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(KvBinding.class).doesNotHaveBean(KvStore.class));
	}

	@Test
	void userKvStoreTakesPrecedence() {
		this.contextRunner.withUserConfiguration(H2Configuration.class)
			.withBean("myKvStore", KvStore.class, InMemoryKvStore::new)
			.run((context) -> assertThat(context).getBean(KvStore.class).isInstanceOf(InMemoryKvStore.class));
	}

	@Test
	void kvLimitsBind() {
		this.contextRunner.withPropertyValues("worker-loader.kv.max-key-size=100B", "worker-loader.kv.max-keys=7")
			.run((context) -> {
				KvLimits limits = WorkerLoaderKvAutoConfiguration
					.limits(context.getBean(WorkerLoaderProperties.class).getKv());
				assertThat(limits.maxKeySize()).isEqualTo(100);
				assertThat(limits.maxKeys()).isEqualTo(7);
			});
	}

	@Test
	void invalidKvLimitFailsStartup() {
		this.contextRunner.withPropertyValues("worker-loader.kv.max-key-size=1MB").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("worker-loader.kv.max-key-size");
		});
	}

	@Test
	void kvDefaultsAreTheBuiltInDefaults() {
		KvLimits limits = WorkerLoaderKvAutoConfiguration.limits(new WorkerLoaderProperties().getKv());
		assertThat(limits).isEqualTo(KvLimits.DEFAULTS);
	}

	@Test
	void workerUsesKvOnTheDataSourceWhenItsPolicyListsIt() {
		this.contextRunner.withUserConfiguration(H2Configuration.class)
			.withPropertyValues("worker-loader.policies.default.bindings=KV")
			.run((context) -> {
				WorkerLoader loader = context.getBean(WorkerLoader.class);
				WorkerCode code = WorkerCode.builder().name("counter").module("agent.js", KV_AGENT).env("KV").build();
				try (Worker first = loader.load(code)) {
					assertThat(first.getEntrypoint().call("count", null)).isEqualTo(1);
					assertThat(first.getEntrypoint().call("count", null)).isEqualTo(2);
				}
				try (Worker again = loader.load(code)) {
					assertThat(again.getEntrypoint().call("count", null)).isEqualTo(3);
				}
				JdbcClient jdbc = JdbcClient.create(context.getBean(javax.sql.DataSource.class));
				assertThat(jdbc.sql("SELECT kv_value FROM worker_kv WHERE ns = ? AND kv_key = ?")
					.params("worker:counter", "count")
					.query(String.class)
					.single()).isEqualTo("3");
			});
	}

	@Test
	void outboundAndRateLimitPropertiesBindWithInheritance() {
		this.contextRunner
			.withPropertyValues("worker-loader.policies.api.outbound.allowed-hosts=api.example.com,*.example.org",
					"worker-loader.policies.api.outbound.max-requests=7",
					"worker-loader.policies.api.outbound.max-response-size=2MB",
					"worker-loader.policies.api.outbound.timeout=3s",
					"worker-loader.policies.api.rate-limit.capacity=5",
					"worker-loader.policies.api.rate-limit.refill-tokens=2",
					"worker-loader.policies.api.rate-limit.refill-period=10s",
					"worker-loader.policies.child.base-policy=api", "worker-loader.policies.child.outbound.timeout=1s")
			.run((context) -> {
				PolicyResolver policies = context.getBean(PolicyResolver.class);
				WorkerPolicy api = policies.find("api");
				assertThat(api.allowedHosts()).containsExactly("api.example.com", "*.example.org");
				assertThat(api.outboundLimits())
					.isEqualTo(new OutboundLimits(7, DataSize.ofMegabytes(2).toBytes(), Duration.ofSeconds(3)));
				assertThat(api.rateLimit()).isEqualTo(new RateLimit(5, 2, Duration.ofSeconds(10)));
				WorkerPolicy child = policies.find("child");
				assertThat(child.outboundLimits())
					.isEqualTo(new OutboundLimits(7, DataSize.ofMegabytes(2).toBytes(), Duration.ofSeconds(1)));
				assertThat(child.rateLimit()).isEqualTo(api.rateLimit());
				assertThat(policies.find("default").outboundLimits()).isEqualTo(OutboundLimits.DEFAULTS);
				assertThat(policies.find("default").rateLimit()).isNull();
			});
	}

	@Test
	void documentedOutboundDefaultsAreTheBuiltInDefaults() throws Exception {
		Map<String, String> documented = new HashMap<>();
		try (InputStream in = getClass()
			.getResourceAsStream("/META-INF/additional-spring-configuration-metadata.json")) {
			for (JsonNode property : JsonMapper.builder().build().readTree(in).get("properties")) {
				if (property.has("defaultValue")) {
					documented.put(property.get("name").asString(), property.get("defaultValue").asString());
				}
			}
		}
		String prefix = "worker-loader.policies.default.outbound.";
		assertThat(Integer.parseInt(documented.get(prefix + "max-requests")))
			.isEqualTo(OutboundLimits.DEFAULTS.maxRequests());
		assertThat(DataSize.parse(documented.get(prefix + "max-response-size")).toBytes())
			.isEqualTo(OutboundLimits.DEFAULTS.maxResponseSize());
		assertThat(DurationStyle.detectAndParse(documented.get(prefix + "timeout")))
			.isEqualTo(OutboundLimits.DEFAULTS.timeout());
	}

	@Test
	void invalidAllowedHostFailsStartupNamingTheKey() {
		this.contextRunner
			.withPropertyValues("worker-loader.policies.default.outbound.allowed-hosts=ok.example.com,http://bad host/")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("worker-loader.policies.default.outbound.allowed-hosts[1]")
					.hasMessageContaining("is not a host pattern");
			});
	}

	@Test
	void rateLimitWithoutCapacityFailsStartup() {
		this.contextRunner.withPropertyValues("worker-loader.policies.default.rate-limit.refill-tokens=3")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("worker-loader.policies.default.rate-limit.capacity");
			});
	}

	@Test
	void handlerThatIsNotAnOutboundHandlerFailsStartup() {
		this.contextRunner.withBean("notAHandler", String.class, () -> "x")
			.withPropertyValues("worker-loader.policies.default.outbound.handler=notAHandler")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("worker-loader.policies.default.outbound.handler")
					.hasMessageContaining("is not an OutboundHandler");
			});
	}

	@Test
	void policyHandlerBeanInjectsCredentialsIntoFetch() throws Exception {
		List<String> received = new CopyOnWriteArrayList<>();
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/", (exchange) -> {
			received.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Api-Key")));
			byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		server.start();
		try {
			String base = "http://127.0.0.1:" + server.getAddress().getPort();
			this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
				.withPropertyValues("worker-loader.policies.default.outbound.allowed-hosts=" + base,
						"worker-loader.policies.default.outbound.handler=apiKeyInjector")
				.run((context) -> {
					WorkerLoader loader = context.getBean(WorkerLoader.class);
					String source = "export default { async run(url) { const r = await fetch(url);"
							+ " return r.status + ' ' + (await r.text()); } }";
					try (Worker worker = loader.load(WorkerCode.of(source))) {
						assertThat(worker.getEntrypoint().call("run", base + "/x")).isEqualTo("200 ok");
					}
				});
		}
		finally {
			server.stop(0);
		}
		assertThat(received).containsExactly("key-from-vault");
	}

	@Test
	void rateLimitRefusesLoadsOfTheLoaderBean() {
		this.contextRunner
			.withPropertyValues("worker-loader.policies.default.rate-limit.capacity=1",
					"worker-loader.policies.default.rate-limit.refill-period=1h")
			.run((context) -> {
				WorkerLoader loader = context.getBean(WorkerLoader.class);
				WorkerCode code = WorkerCode.builder()
					.clientId("tenant-1")
					.module("agent.js", "export default {}")
					.build();
				loader.load(code).close();
				assertThatExceptionOfType(WorkerRateLimitedException.class).isThrownBy(() -> loader.load(code))
					.satisfies((ex) -> assertThat(ex.retryAfter()).isPositive());
				assertThat(context.getBean(ClientRateLimiter.class).refusals()).isEqualTo(1);
			});
	}

	@Test
	void principalResolverNeedsSpringSecurity() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(ClientIdResolver.class));
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
			.run((context) -> assertThat(context).doesNotHaveBean(ClientIdResolver.class)
				.hasSingleBean(ClientRateLimiter.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class H2Configuration {

		@Bean
		DriverManagerDataSource dataSource() {
			return new DriverManagerDataSource("jdbc:h2:mem:kv-autoconfig-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
					"sa", "");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HandlerConfiguration {

		@Bean
		OutboundHandler apiKeyInjector() {
			return (request) -> request.withHeader("X-Api-Key", "key-from-vault");
		}

	}

}
