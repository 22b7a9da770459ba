package dev.workerloader.autoconfigure;

import dev.workerloader.WorkerException;
import dev.workerloader.WorkerPolicyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for what a policy refuses, and how the refusal is explained.
 *
 * @author Worker Loader team
 */
@ExtendWith(OutputCaptureExtension.class)
class WorkerPolicyRefusalTests {

	private static final String SECRET = "sk-live-5f1e0c9a7b";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WorkerLoaderAutoConfiguration.class))
		.withUserConfiguration(ChatRoomConfiguration.class)
		.withPropertyValues("test.api-key=" + SECRET, "worker-loader.policies.demo.bindings=CHAT_ROOM",
				"worker-loader.policies.demo.vars.API_KEY=${test.api-key}",
				"worker-loader.policies.demo.vars.REGION=eu-west");

	@Test
	void unknownPolicyIsRefused() {
		this.contextRunner.run((context) -> assertThatExceptionOfType(WorkerPolicyException.class)
			.isThrownBy(() -> Guest.run(context, "reporting", "return 1;"))
			.satisfies((ex) -> assertThat(ex.getPolicy()).isEqualTo("reporting"))
			.withMessageContaining("Worker 'agent'")
			.withMessageContaining("policy 'reporting', which is not defined")
			.withMessageContaining("default")
			.withMessageContaining("worker-loader.policies.reporting"));
	}

	@Test
	void bindingThePolicyDoesNotListIsRefused() {
		this.contextRunner.run((context) -> assertThatExceptionOfType(WorkerPolicyException.class)
			.isThrownBy(() -> Guest.run(context, "default", "return 1;", "CHAT_ROOM"))
			.withMessage("Worker 'agent' was denied access to binding 'CHAT_ROOM': policy 'default' does not list it."
					+ " If intended, add it to worker-loader.policies.default.bindings."));
	}

	@Test
	void envEntryShadowingAVarIsRefusedWithoutRevealingTheVar() {
		this.contextRunner.run((context) -> assertThatExceptionOfType(WorkerPolicyException.class)
			.isThrownBy(() -> Guest.run(context, Guest.agent("return 1;").policy("demo").env("API_KEY", "mine").build(),
					null))
			.withMessageContaining("Worker 'agent'")
			.withMessageContaining("'API_KEY'")
			.withMessageContaining("policy 'demo'")
			.withMessageContaining("worker-loader.policies.demo.vars.API_KEY")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain(SECRET)));
	}

	@Test
	void bindingNoBeanProvidesIsRefused() {
		this.contextRunner.withPropertyValues("worker-loader.policies.open.bindings=*")
			.run((context) -> assertThatExceptionOfType(WorkerPolicyException.class)
				.isThrownBy(() -> Guest.run(context, "open", "return 1;", "PAYMENTS"))
				.withMessageContaining("Worker 'agent' asks for binding 'PAYMENTS', but no bean provides it")
				.withMessageContaining("[CHAT_ROOM]")
				.withMessageContaining("@WorkerBinding(\"PAYMENTS\")")
				.withMessageContaining("worker-loader.bindings.PAYMENTS.bean"));
	}

	@Test
	void readingAnEnvNameThatIsNotGrantedThrowsInTheGuestListingTheGrants() {
		this.contextRunner.run((context) -> assertThatExceptionOfType(WorkerException.class)
			.isThrownBy(() -> Guest.run(context, "demo", "return env.PAYMENTS.charge(100);", "CHAT_ROOM"))
			.satisfies((ex) -> {
				assertThat(ex.getName()).isEqualTo("TypeError");
				assertThat(ex.getGuestMessage()).contains("env.PAYMENTS is not granted to worker 'agent'")
					.contains("policy 'demo'")
					.contains("API_KEY")
					.contains("REGION")
					.contains("CHAT_ROOM")
					.doesNotContain(SECRET);
			}));
	}

	@Test
	void guestCanCatchTheRefusalOfAnEnvName() {
		this.contextRunner.run((context) -> assertThat(Guest.run(context, "demo", """
				try { return env.PAYMENTS; } catch (e) { return e instanceof TypeError; }""")).isEqualTo(true));
	}

	@Test
	void varsResolvePlaceholdersFromTheEnvironment() {
		this.contextRunner.run((context) -> assertThat(Guest.run(context, "demo", "return [env.API_KEY, env.REGION];"))
			.isEqualTo(java.util.List.of(SECRET, "eu-west")));
	}

	@Test
	void varsAreReadOnly() {
		this.contextRunner.run((context) -> assertThat(Guest.run(context, "demo",
				"""
						try { env.API_KEY = 'stolen'; return 'mutated'; } catch (e) { return e.name + ':' + env.API_KEY.length; }"""))
			.isEqualTo("TypeError:" + SECRET.length()));
	}

	@Test
	void policyDescriptionNeverContainsVarValues() {
		this.contextRunner.run((context) -> assertThat(
				context.getBean(dev.workerloader.policy.PolicyResolver.class).find("demo").toString())
			.contains("API_KEY")
			.doesNotContain(SECRET));
	}

	@Test
	void wildcardBindingGrantLogsOneWarning(CapturedOutput output) {
		this.contextRunner.withPropertyValues("worker-loader.policies.open.bindings=*").run((context) -> {
			assertThat(context).hasNotFailed();
			String log = output.getAll();
			assertThat(log.split("Policy 'open' grants every binding", -1)).hasSize(2);
			assertThat(log).contains("worker-loader.policies.open.bindings");
		});
	}

	@Test
	void noWarningWithoutWideningSettings(CapturedOutput output) {
		this.contextRunner.run(
				(context) -> assertThat(output.getAll()).doesNotContain("grants every binding").doesNotContain(SECRET));
	}

	@Test
	void varNamedLikeAListedBindingFailsStartup() {
		this.contextRunner.withPropertyValues("worker-loader.policies.demo.vars.CHAT_ROOM=x").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("worker-loader.policies.demo.vars")
				.hasMessageContaining("Var 'CHAT_ROOM' has the name of a binding the policy lists");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class ChatRoomConfiguration {

		@Bean
		ChatRoomService chatRoomService() {
			return new ChatRoomService();
		}

	}

}
