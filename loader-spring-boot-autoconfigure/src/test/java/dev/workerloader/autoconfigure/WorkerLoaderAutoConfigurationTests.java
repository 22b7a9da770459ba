package dev.workerloader.autoconfigure;

import java.time.Duration;
import java.util.function.Supplier;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.sandbox.GraalWorkerLoader;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerLoaderAutoConfiguration}.
 *
 * @author Worker Loader team
 */
class WorkerLoaderAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WorkerLoaderAutoConfiguration.class));

	@Test
	void registersLoaderUnderTheNameLoader() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(WorkerLoader.class);
			assertThat(context).hasBean(WorkerLoaderAutoConfiguration.LOADER_BEAN_NAME);
			assertThat(context.getBean(WorkerLoaderAutoConfiguration.LOADER_BEAN_NAME))
				.isInstanceOf(GraalWorkerLoader.class);
			assertThat(context).hasSingleBean(PolicyResolver.class).hasSingleBean(BindingProvider.class);
		});
	}

	@Test
	void runsAWorker() {
		this.contextRunner.run((context) -> {
			WorkerLoader loader = context.getBean(WorkerLoader.class);
			try (Worker worker = loader.load(WorkerCode.of("export default { async hi(p) { return 'hi ' + p; } }"))) {
				assertThat(worker.getEntrypoint().call("hi", "bob")).isEqualTo("hi bob");
				assertThat(worker.policy()).isEqualTo("default");
			}
		});
	}

	@Test
	void backsOffWhenGraalJsIsMissing() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.graalvm.polyglot"))
			.run((context) -> assertThat(context).doesNotHaveBean(WorkerLoader.class)
				.doesNotHaveBean(PolicyResolver.class)
				.doesNotHaveBean(WorkerLoaderProperties.class));
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withPropertyValues("worker-loader.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WorkerLoader.class)
				.doesNotHaveBean(BindingProvider.class));
	}

	@Test
	void userLoaderTakesPrecedence() {
		this.contextRunner.withUserConfiguration(UserLoaderConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(WorkerLoader.class);
			assertThat(context.getBean(WorkerLoader.class)).isSameAs(context.getBean("myLoader"));
			assertThat(context).doesNotHaveBean(WorkerLoaderAutoConfiguration.LOADER_BEAN_NAME);
		});
	}

	@Test
	void userPolicyResolverAndBindingProviderArePassedToTheLoader() {
		this.contextRunner.withUserConfiguration(UserPoliciesConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(PolicyResolver.class).hasSingleBean(BindingProvider.class);
			GraalWorkerLoader loader = context.getBean(GraalWorkerLoader.class);
			assertThat(loader.policies()).extracting(WorkerPolicy::name).containsExactly("custom");
		});
	}

	@Test
	void customizersAreApplied() {
		this.contextRunner
			.withBean(WorkerLoaderBuilderCustomizer.class,
					() -> (builder) -> builder
						.policies(PolicyResolver.of(WorkerPolicy.of("customized", WorkerLimits.DEFAULTS))))
			.run((context) -> assertThat(context.getBean(GraalWorkerLoader.class).policies())
				.extracting(WorkerPolicy::name)
				.containsExactly("customized"));
	}

	@Test
	void defaultPolicyHasDefaultLimitsAndGrantsNothing() {
		this.contextRunner.run((context) -> {
			WorkerPolicy policy = context.getBean(PolicyResolver.class).find("default");
			assertThat(policy).isNotNull();
			assertThat(policy.limits()).isEqualTo(WorkerLimits.DEFAULTS);
			assertThat(policy.bindings()).isEmpty();
			assertThat(policy.vars()).isEmpty();
			assertThat(policy.allowedHosts()).isEmpty();
			assertThat(policy.outboundHandler()).isNull();
		});
	}

	@Test
	void policyPropertiesBind() {
		this.contextRunner.withPropertyValues("worker-loader.policies.demo.limits.cpu-time=250ms",
				"worker-loader.policies.demo.limits.wall-time=3s", "worker-loader.policies.demo.limits.memory=64MB",
				"worker-loader.policies.demo.limits.output=2KB", "worker-loader.policies.demo.limits.statements=5000",
				"worker-loader.policies.demo.limits.code-size=1000", "worker-loader.policies.demo.limits.modules=3",
				"worker-loader.policies.demo.limits.env-size=500", "worker-loader.policies.demo.limits.log-size=1KB",
				"worker-loader.policies.demo.limits.nesting-depth=20",
				"worker-loader.policies.demo.outbound.allowed-hosts=api.example.com,*.example.org",
				"worker-loader.policies.demo.vars.GREETING=hello")
			.run((context) -> {
				WorkerPolicy policy = context.getBean(PolicyResolver.class).find("demo");
				assertThat(policy).isNotNull();
				assertThat(policy.limits()).isEqualTo(new WorkerLimits(Duration.ofMillis(250), Duration.ofSeconds(3),
						DataSize.ofMegabytes(64).toBytes(), 2048, 5000, 1000, 3, 500, 1024, 20));
				assertThat(policy.allowedHosts()).containsExactly("api.example.com", "*.example.org");
				assertThat(policy.vars()).containsEntry("GREETING", "hello");
				assertThat(context.getBean(PolicyResolver.class).find("default")).isNotNull();
			});
	}

	@Test
	void unsetValuesComeFromTheBasePolicyThenFromTheDefaults() {
		this.contextRunner
			.withPropertyValues("worker-loader.policies.base.limits.cpu-time=2s",
					"worker-loader.policies.base.limits.memory=32MB", "worker-loader.policies.base.vars.REGION=eu",
					"worker-loader.policies.base.outbound.allowed-hosts=api.example.com",
					"worker-loader.policies.child.base-policy=base", "worker-loader.policies.child.limits.memory=8MB",
					"worker-loader.policies.grandchild.base-policy=child",
					"worker-loader.policies.grandchild.limits.wall-time=1s")
			.run((context) -> {
				WorkerPolicy grandchild = context.getBean(PolicyResolver.class).find("grandchild");
				assertThat(grandchild).isNotNull();
				assertThat(grandchild.limits().cpuTime()).isEqualTo(Duration.ofSeconds(2));
				assertThat(grandchild.limits().memory()).isEqualTo(DataSize.ofMegabytes(8).toBytes());
				assertThat(grandchild.limits().wallTime()).isEqualTo(Duration.ofSeconds(1));
				assertThat(grandchild.limits().output()).isEqualTo(WorkerLimits.DEFAULTS.output());
				assertThat(grandchild.vars()).containsExactly(java.util.Map.entry("REGION", "eu"));
				assertThat(grandchild.allowedHosts()).containsExactly("api.example.com");
			});
	}

	@Test
	void unknownBasePolicyFailsStartup() {
		this.contextRunner.withPropertyValues("worker-loader.policies.reports.base-policy=standard")
			.run((context) -> assertInvalid(context, "worker-loader.policies.reports.base-policy", "standard",
					"No policy named 'standard' is defined"));
	}

	@Test
	void basePolicyCycleFailsStartup() {
		this.contextRunner
			.withPropertyValues("worker-loader.policies.a.base-policy=b", "worker-loader.policies.b.base-policy=c",
					"worker-loader.policies.c.base-policy=a")
			.run((context) -> assertInvalid(context, "worker-loader.policies.", null, "a -> b -> c -> a"));
	}

	@Test
	void negativeLimitFailsStartup() {
		this.contextRunner.withPropertyValues("worker-loader.policies.default.limits.cpu-time=-1s")
			.run((context) -> assertInvalid(context, "worker-loader.policies.default.limits.cpu-time", null,
					"must be positive"));
	}

	@Test
	void zeroLimitFailsStartup() {
		this.contextRunner.withPropertyValues("worker-loader.policies.default.limits.memory=0B")
			.run((context) -> assertInvalid(context, "worker-loader.policies.default.limits.memory", null,
					"must be positive"));
	}

	@Test
	void negativeStatementLimitFailsStartup() {
		this.contextRunner.withPropertyValues("worker-loader.policies.default.limits.statements=-5")
			.run((context) -> assertInvalid(context, "worker-loader.policies.default.limits.statements", -5L,
					"use 0 for no statement limit"));
	}

	@Test
	void policyBindingThatNoBeanProvidesFailsStartup() {
		this.contextRunner.withPropertyValues("worker-loader.policies.default.bindings=CHAT_ROOM")
			.run((context) -> assertInvalid(context, "worker-loader.policies.default.bindings[0]", "CHAT_ROOM",
					"No bean provides binding 'CHAT_ROOM'"));
	}

	@Test
	void bindingNamingAMissingBeanFailsStartup() {
		this.contextRunner.withPropertyValues("worker-loader.bindings.CHAT_ROOM.bean=chatRoomService")
			.run((context) -> assertInvalid(context, "worker-loader.bindings[CHAT_ROOM].bean", "chatRoomService",
					"No bean named 'chatRoomService' is defined."));
	}

	@Test
	void missingOutboundHandlerBeanFailsStartup() {
		this.contextRunner.withPropertyValues("worker-loader.policies.default.outbound.handler=egress")
			.run((context) -> assertInvalid(context, "worker-loader.policies.default.outbound.handler", "egress",
					"No bean named 'egress' is defined"));
	}

	@Test
	void invalidPoolSizesFailStartup() {
		this.contextRunner.withPropertyValues("worker-loader.pool.min=8", "worker-loader.pool.max=4")
			.run((context) -> assertInvalid(context, "worker-loader.pool.max", 4, "worker-loader.pool.min (8)"));
	}

	@Test
	void sandboxPropertiesBind() {
		this.contextRunner
			.withPropertyValues("worker-loader.sandbox.threads=3", "worker-loader.sandbox.stack-size=2MB",
					"worker-loader.sandbox.watchdog-interval=5ms", "worker-loader.sandbox.heap-guard-threshold=0.9",
					"worker-loader.pool.min=0", "worker-loader.pool.max=8", "worker-loader.cache.max-size=10")
			.run((context) -> {
				WorkerLoaderProperties properties = context.getBean(WorkerLoaderProperties.class);
				assertThat(properties.getSandbox().getThreads()).isEqualTo(3);
				assertThat(properties.getSandbox().getStackSize()).isEqualTo(DataSize.ofMegabytes(2));
				assertThat(properties.getSandbox().getWatchdogInterval()).isEqualTo(Duration.ofMillis(5));
				assertThat(properties.getSandbox().getHeapGuardThreshold()).isEqualTo(0.9);
				assertThat(properties.getPool().getMax()).isEqualTo(8);
				assertThat(properties.getCache().getMaxSize()).isEqualTo(10);
				assertThat(context).hasSingleBean(GraalWorkerLoader.class);
			});
	}

	private static void assertInvalid(AssertableApplicationContext context, String keyPrefix, @Nullable Object value,
			String reason) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		InvalidConfigurationPropertyValueException ex = findCause(failure);
		assertThat(ex).as("InvalidConfigurationPropertyValueException in %s", failure).isNotNull();
		assertThat(ex.getName()).startsWith(keyPrefix);
		if (value != null) {
			assertThat(ex.getValue()).isEqualTo(value);
		}
		assertThat(ex.getReason()).contains(reason).endsWith(".");
	}

	private static @Nullable InvalidConfigurationPropertyValueException findCause(@Nullable Throwable failure) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (current instanceof InvalidConfigurationPropertyValueException ex) {
				return ex;
			}
		}
		return null;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserLoaderConfiguration {

		@Bean
		WorkerLoader myLoader() {
			return new WorkerLoader() {

				@Override
				public Worker load(WorkerCode code) {
					throw new UnsupportedOperationException();
				}

				@Override
				public Worker get(String id, Supplier<WorkerCode> code) {
					throw new UnsupportedOperationException();
				}

				@Override
				public Worker get(String id, WorkerCode code) {
					throw new UnsupportedOperationException();
				}

				@Override
				public boolean evict(String id) {
					return false;
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserPoliciesConfiguration {

		@Bean
		PolicyResolver customPolicies() {
			return PolicyResolver.of(WorkerPolicy.of("custom", WorkerLimits.DEFAULTS));
		}

		@Bean
		BindingProvider customBindings() {
			return BindingProvider.of();
		}

	}

}
