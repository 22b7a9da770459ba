package dev.workerloader.autoconfigure;

import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.workerloader.WorkerCode;
import dev.workerloader.policy.WorkerLimits;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerLoaderProperties}.
 *
 * @author Worker Loader team
 */
class WorkerLoaderPropertiesTests {

	@Test
	void defaultValuesAreConsistent() {
		WorkerLoaderProperties properties = new WorkerLoaderProperties();
		assertThat(properties.isEnabled()).isTrue();
		assertThat(properties.getPolicies()).containsOnlyKeys(WorkerCode.DEFAULT_POLICY);
		WorkerLoaderProperties.Policy policy = properties.getPolicies().get(WorkerCode.DEFAULT_POLICY);
		assertThat(policy.getBindings()).as("a policy grants nothing unless told").isNull();
		assertThat(policy.getOutbound().getAllowedHosts()).isNull();
		assertThat(properties.getBindings()).isEmpty();
		assertThat(properties.getSandbox().getStackSize()).isEqualTo(DataSize.ofMegabytes(4));
		assertThat(properties.getSandbox().getWatchdogInterval()).isEqualTo(Duration.ofMillis(2));
		assertThat(properties.getSandbox().getHeapGuardThreshold()).isEqualTo(0.85);
		assertThat(properties.getPool().getMin()).isEqualTo(2);
		assertThat(properties.getPool().getMax()).isEqualTo(64);
		assertThat(properties.getCache().getMaxSize()).isEqualTo(1024);
	}

	@Test
	void documentedLimitDefaultsAreTheBuiltInDefaults() throws Exception {
		Map<String, String> documented = new HashMap<>();
		try (InputStream in = getClass()
			.getResourceAsStream("/META-INF/additional-spring-configuration-metadata.json")) {
			JsonNode root = JsonMapper.builder().build().readTree(in);
			for (JsonNode property : root.get("properties")) {
				if (property.has("defaultValue")) {
					documented.put(property.get("name").asString(), property.get("defaultValue").asString());
				}
			}
		}
		String prefix = "worker-loader.policies.default.limits.";
		WorkerLimits limits = WorkerLimits.DEFAULTS;
		assertThat(DurationStyle.detectAndParse(documented.get(prefix + "cpu-time"))).isEqualTo(limits.cpuTime());
		assertThat(DurationStyle.detectAndParse(documented.get(prefix + "wall-time"))).isEqualTo(limits.wallTime());
		assertThat(DataSize.parse(documented.get(prefix + "memory")).toBytes()).isEqualTo(limits.memory());
		assertThat(DataSize.parse(documented.get(prefix + "output")).toBytes()).isEqualTo(limits.output());
		assertThat(Long.parseLong(documented.get(prefix + "statements"))).isEqualTo(limits.statements());
		assertThat(Long.parseLong(documented.get(prefix + "code-size"))).isEqualTo(limits.codeSize());
		assertThat(Integer.parseInt(documented.get(prefix + "modules"))).isEqualTo(limits.modules());
		assertThat(Long.parseLong(documented.get(prefix + "env-size"))).isEqualTo(limits.envSize());
		assertThat(DataSize.parse(documented.get(prefix + "log-size")).toBytes()).isEqualTo(limits.logSize());
		assertThat(Integer.parseInt(documented.get(prefix + "nesting-depth"))).isEqualTo(limits.nestingDepth());
	}

	@Test
	void scaleOutDefaultsKeepEverythingInTheInstanceAndMatchTheDocumentedOnes() throws Exception {
		WorkerLoaderProperties properties = new WorkerLoaderProperties();
		assertThat(properties.getRateLimits().getStore()).isEqualTo(WorkerLoaderProperties.RateLimits.Store.MEMORY);
		assertThat(properties.getAudit().getStore()).isEqualTo(WorkerLoaderProperties.Audit.Store.REPOSITORY);
		Map<String, String> documented = new HashMap<>();
		try (InputStream in = getClass()
			.getResourceAsStream("/META-INF/additional-spring-configuration-metadata.json")) {
			for (JsonNode property : JsonMapper.builder().build().readTree(in).get("properties")) {
				if (property.has("defaultValue")) {
					documented.put(property.get("name").asString(), property.get("defaultValue").asString());
				}
			}
		}
		RateLimitJdbcProperties rateLimits = new RateLimitJdbcProperties();
		AuditJdbcProperties audit = new AuditJdbcProperties();
		assertThat(rateLimits.getTimeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(rateLimits.getCleanupInterval()).isEqualTo(Duration.ofMinutes(5));
		for (var jdbc : List.of(rateLimits, audit)) {
			String prefix = (jdbc == audit) ? AuditJdbcProperties.PREFIX : RateLimitJdbcProperties.PREFIX;
			assertThat(documented.get(prefix + ".initialize-schema"))
				.isEqualTo(jdbc.getInitializeSchema().name().toLowerCase(Locale.ROOT));
			assertThat(documented.get(prefix + ".schema")).isEqualTo(jdbc.getDefaultSchemaLocation());
			assertThat(Boolean.parseBoolean(documented.get(prefix + ".continue-on-error")))
				.isEqualTo(jdbc.isContinueOnError());
		}
	}

}
