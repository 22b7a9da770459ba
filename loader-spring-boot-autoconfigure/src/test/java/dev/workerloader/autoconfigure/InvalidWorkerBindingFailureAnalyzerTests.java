package dev.workerloader.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;

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
	void analyzerIsRegistered() {
		assertThat(SpringFactoriesLoader.loadFactoryNames(org.springframework.boot.diagnostics.FailureAnalyzer.class,
				getClass().getClassLoader()))
			.contains(InvalidWorkerBindingFailureAnalyzer.class.getName());
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
			assertThat(analysis.getDescription()).contains("@WorkerBinding(\"chat-room\")", "not a JavaScript identifier");
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
