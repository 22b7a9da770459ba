package dev.workerloader.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.workerloader.WorkerListener;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.egress.OutboundHandler;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.process.ProcessWorkerLoader;
import dev.workerloader.process.TieredWorkerLoader;
import dev.workerloader.ratelimit.ClientIdResolver;
import dev.workerloader.ratelimit.ClientRateLimiter;
import dev.workerloader.sandbox.GraalWorkerLoader;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Primary;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the process-isolation tier (issue 16), active when a policy sets
 * {@code worker-loader.policies.<name>.isolation=process}: the {@code LOADER} bean is
 * then a {@link TieredWorkerLoader} over the usual in-process {@link GraalWorkerLoader}
 * and a {@link ProcessWorkerLoader}. Without such a policy nothing here applies.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@AutoConfiguration(before = WorkerLoaderAutoConfiguration.class)
@ConditionalOnClass(name = "org.graalvm.polyglot.Context")
@ConditionalOnBooleanProperty(prefix = WorkerLoaderProperties.CONFIG_PREFIX, name = "enabled", matchIfMissing = true)
@Conditional(WorkerLoaderProcessAutoConfiguration.OnProcessIsolationCondition.class)
@EnableConfigurationProperties(WorkerLoaderProperties.class)
public final class WorkerLoaderProcessAutoConfiguration {

	private static final Log logger = LogFactory.getLog(WorkerLoaderProcessAutoConfiguration.class);

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ProcessWorkerLoader workerLoaderProcessTier(WorkerLoaderProperties properties, PolicyResolver policies,
			BindingProvider bindings, ObjectProvider<ClientIdResolver> clientIds, ClientRateLimiter rateLimiter,
			ObjectProvider<WorkerListener> listeners, ListableBeanFactory beanFactory) {
		WorkerLoaderProperties.ProcessTier tier = properties.getProcess();
		String prefix = WorkerLoaderProperties.CONFIG_PREFIX + ".process";
		if (tier.getHostsPerPool() < 1) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".hosts-per-pool", tier.getHostsPerPool(),
					"At least one worker host must run per pool.");
		}
		if (tier.getGrace().isNegative()) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".grace", tier.getGrace(),
					"The grace must not be negative.");
		}
		if (tier.getStartTimeout().isNegative() || tier.getStartTimeout().isZero()) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".start-timeout", tier.getStartTimeout(),
					"A worker host needs time to start: set a positive timeout.");
		}
		ClientIdResolver clientIdResolver = clientIds.getIfUnique(() -> ClientIdResolver.NONE);
		// The same rate limiter and outbound handlers as in-process: both tiers count
		// against the same buckets, and relayed fetches follow the same rules.
		ProcessWorkerLoader.Builder builder = ProcessWorkerLoader.builder()
			.policies(policies)
			.bindings(bindings)
			.clientIdResolver(clientIdResolver::currentClientId)
			.rateLimiter(rateLimiter)
			.hostsPerPool(tier.getHostsPerPool())
			.grace(tier.getGrace())
			.startTimeout(tier.getStartTimeout())
			// The same bound as the in-process kept workers (whose bean validates it).
			.keptMaxWorkers(Math.max(1, properties.getKept().getMaxWorkers()))
			.outboundHandlers(
					(name) -> beanFactory.containsBean(name) ? beanFactory.getBean(name, OutboundHandler.class) : null);
		Duration idleTimeout = properties.getKept().getIdleTimeout();
		if (!idleTimeout.isNegative() && !idleTimeout.isZero()) {
			builder.keptIdleTimeout(idleTimeout);
		}
		listeners.orderedStream().forEach(builder::listener);
		ProcessWorkerLoader loader = builder.build();
		// Start the warm hosts now, off the startup thread: the first load finds one.
		Thread warmUp = new Thread(() -> {
			try {
				loader.warmUp();
			}
			catch (RuntimeException ex) {
				logger.warn("Worker hosts could not be started ahead of the first load: " + ex.getMessage());
			}
		}, "worker-host-warm-up");
		warmUp.setDaemon(true);
		warmUp.start();
		return loader;
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(GraalWorkerLoader.class)
	GraalWorkerLoader workerLoaderInProcessTier(WorkerLoaderProperties properties, PolicyResolver policies,
			BindingProvider bindings, ObjectProvider<WorkerListener> listeners,
			ObjectProvider<WorkerLoaderBuilderCustomizer> customizers, ClientRateLimiter rateLimiter,
			ObjectProvider<ClientIdResolver> clientIds, ListableBeanFactory beanFactory) {
		// The same in-process loader as without the process tier.
		return new WorkerLoaderAutoConfiguration().workerLoader(properties, policies, bindings, listeners, customizers,
				rateLimiter, clientIds, beanFactory);
	}

	@Bean(name = WorkerLoaderAutoConfiguration.LOADER_BEAN_NAME)
	@Primary
	@ConditionalOnMissingBean(TieredWorkerLoader.class)
	TieredWorkerLoader workerLoader(GraalWorkerLoader inProcess, ProcessWorkerLoader process, PolicyResolver policies) {
		return new TieredWorkerLoader(inProcess, process, policies);
	}

	/**
	 * Matches when a configured policy asks for process isolation.
	 */
	static final class OnProcessIsolationCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Map<String, IsolationOnly> policies = Binder.get(context.getEnvironment())
				.bind(WorkerLoaderProperties.CONFIG_PREFIX + ".policies",
						Bindable.mapOf(String.class, IsolationOnly.class))
				.orElseGet(LinkedHashMap::new);
			for (Map.Entry<String, IsolationOnly> entry : policies.entrySet()) {
				if (entry.getValue().getIsolation() == WorkerLoaderProperties.Isolation.PROCESS) {
					return ConditionOutcome.match("policy '" + entry.getKey() + "' has isolation 'process'");
				}
			}
			return ConditionOutcome.noMatch("no policy has isolation 'process'");
		}

	}

	/**
	 * The one setting of a policy the condition reads.
	 */
	static final class IsolationOnly {

		private WorkerLoaderProperties.@Nullable Isolation isolation;

		public WorkerLoaderProperties.@Nullable Isolation getIsolation() {
			return this.isolation;
		}

		public void setIsolation(WorkerLoaderProperties.@Nullable Isolation isolation) {
			this.isolation = isolation;
		}

	}

}
