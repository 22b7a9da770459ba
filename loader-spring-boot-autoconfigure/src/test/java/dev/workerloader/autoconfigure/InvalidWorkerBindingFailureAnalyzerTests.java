package dev.workerloader.autoconfigure;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.UrlResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.util.StringUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InvalidWorkerBindingFailureAnalyzer}.
 *
 * @author Worker Loader team
 */
class InvalidWorkerBindingFailureAnalyzerTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WorkerLoaderAutoConfiguration.class));

	@Test
	void analyzerIsRegistered() throws IOException {
		List<String> analyzers = new ArrayList<>();
		Enumeration<URL> factories = getClass().getClassLoader()
			.getResources(SpringFactoriesLoader.FACTORIES_RESOURCE_LOCATION);
		while (factories.hasMoreElements()) {
			Properties properties = PropertiesLoaderUtils.loadProperties(new UrlResource(factories.nextElement()));
			String names = properties.getProperty(FailureAnalyzer.class.getName(), "");
			analyzers.addAll(List.of(StringUtils.commaDelimitedListToStringArray(names.replace(" ", ""))));
		}
		assertThat(analyzers).contains(InvalidWorkerBindingFailureAnalyzer.class.getName());
	}

	@Test
	void duplicateBindingIsExplained() {
		this.contextRunner.withUserConfiguration(DuplicateConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidWorkerBindingFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("'first'", "'second'", "@WorkerBinding(\"CHAT_ROOM\")");
			assertThat(analysis.getAction()).isEqualTo("Rename the binding of one of them.");
		});
	}

	@Test
	void bindingNameThatIsNotAnIdentifierIsExplained() {
		this.contextRunner.withUserConfiguration(BadNameConfiguration.class).run((context) -> {
			FailureAnalysis analysis = new InvalidWorkerBindingFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("@WorkerBinding(\"chat-room\")",
					"not a JavaScript identifier");
			assertThat(analysis.getAction()).contains("@WorkerBinding(\"CHAT_ROOM\")");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class DuplicateConfiguration {

		@Bean
		ChatRoomService first() {
			return new ChatRoomService();
		}

		@Bean
		ChatRoomService second() {
			return new ChatRoomService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadNameConfiguration {

		@Bean
		@dev.workerloader.WorkerBinding(value = "chat-room", exposedAs = ChatRoom.class)
		ChatRoomService chatRoom() {
			return new ChatRoomService();
		}

	}

}
