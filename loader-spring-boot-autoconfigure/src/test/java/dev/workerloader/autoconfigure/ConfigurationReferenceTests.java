package dev.workerloader.autoconfigure;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md lists every property of the generated configuration metadata;
 * regenerate it with {@code python3 docs/tools/configuration-reference.py}.
 */
class ConfigurationReferenceTests {

	@Test
	void referenceListsEveryProperty() throws Exception {
		JsonNode metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).isNotNull();
			metadata = JsonMapper.builder().build().readTree(in);
		}
		List<String> names = new ArrayList<>();
		for (JsonNode property : metadata.get("properties")) {
			String name = property.get("name").asString();
			if (name.startsWith("worker-loader")) {
				names.add(name);
			}
		}
		assertThat(names).contains("worker-loader.enabled", "worker-loader.policies.default.limits.cpu-time");
		String reference = Files.readString(Path.of("../docs/configuration.md"));
		assertThat(names).allSatisfy((name) -> assertThat(reference)
			.as("docs/configuration.md is missing %s: run python3 docs/tools/configuration-reference.py", name)
			.contains("`" + name + "`"));
	}

}
