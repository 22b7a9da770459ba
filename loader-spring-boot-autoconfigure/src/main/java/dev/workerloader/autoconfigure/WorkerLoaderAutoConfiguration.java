package dev.workerloader.autoconfigure;

import dev.workerloader.WorkerListener;
import dev.workerloader.WorkerLoader;
import dev.workerloader.WorkerLoaderStatistics;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.egress.OutboundHandler;
import dev.workerloader.logging.GuestLogForwarder;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.ratelimit.ClientIdResolver;
import dev.workerloader.ratelimit.ClientRateLimiter;
import dev.workerloader.ratelimit.InMemoryRateLimitStore;
import dev.workerloader.ratelimit.RateLimitStore;
import dev.workerloader.sandbox.GraalWorkerLoader;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the Worker Loader: the {@link WorkerLoader} bean named
 * {@code LOADER}, the {@link PolicyResolver} over {@code worker-loader.policies.*} and
 * the {@link BindingProvider} over {@link dev.workerloader.WorkerBinding @WorkerBinding}
 * beans and {@code worker-loader.bindings.*}.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnClass(name = "org.graalvm.polyglot.Context")
@ConditionalOnBooleanProperty(prefix = WorkerLoaderProperties.CONFIG_PREFIX, name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(WorkerLoaderProperties.class)
public final class WorkerLoaderAutoConfiguration {

	/**
	 * The name of the {@link WorkerLoader} bean, as Cloudflare's {@code env.LOADER}.
	 */
	public static final String LOADER_BEAN_NAME = "LOADER";

	@Bean
	@ConditionalOnMissingBean
	PolicyResolver workerLoaderPolicyResolver(WorkerLoaderProperties properties, ListableBeanFactory beanFactory,
			ObjectProvider<BindingProvider> bindings) {
		return new PropertiesPolicyResolver(properties, beanFactory, bindings);
	}

	@Bean
	@ConditionalOnMissingBean
	BindingProvider workerLoaderBindingProvider(ConfigurableListableBeanFactory beanFactory,
			WorkerLoaderProperties properties) {
		return new SpringBeanBindingProvider(beanFactory, properties);
	}

	@Bean
	@ConditionalOnMissingBean
	ClientRateLimiter workerLoaderRateLimiter(ObjectProvider<ClientIdResolver> clientIds,
			ObjectProvider<RateLimitStore> stores, WorkerLoaderProperties properties) {
		RateLimitStore store = stores.getIfUnique();
		if (store == null) {
			// Issue 17: asking for shared buckets and silently getting per-instance ones
			// would multiply the limit by the number of instances.
			if (properties.getRateLimits().getStore() == WorkerLoaderProperties.RateLimits.Store.JDBC) {
				throw new InvalidConfigurationPropertyValueException(
						WorkerLoaderProperties.CONFIG_PREFIX + ".rate-limits.store", "jdbc",
						"Shared rate-limit buckets need a DataSource (one marked @WorkerLoaderDataSource, else a"
								+ " single or @Primary one), Spring Boot's JDBC support"
								+ " (spring-boot-starter-jdbc) and com.bucket4j:bucket4j_jdk17-postgresql on the"
								+ " classpath; without them each instance would enforce its own limit.");
			}
			store = new InMemoryRateLimitStore();
		}
		return new ClientRateLimiter(clientIds.getIfUnique(() -> ClientIdResolver.NONE), store);
	}

	@Bean(name = LOADER_BEAN_NAME, destroyMethod = "close")
	@ConditionalOnMissingBean(WorkerLoader.class)
	GraalWorkerLoader workerLoader(WorkerLoaderProperties properties, PolicyResolver policies, BindingProvider bindings,
			ObjectProvider<WorkerListener> listeners, ObjectProvider<WorkerLoaderBuilderCustomizer> customizers,
			ClientRateLimiter rateLimiter, ObjectProvider<ClientIdResolver> clientIds,
			ListableBeanFactory beanFactory) {
		GraalWorkerLoader.Builder builder = GraalWorkerLoader.builder().policies(policies).bindings(bindings);
		// The client a worker acts for when its code names none (audit, rate limits).
		ClientIdResolver clientIdResolver = clientIds.getIfUnique(() -> ClientIdResolver.NONE);
		builder.clientIdResolver(clientIdResolver::currentClientId);
		// Issue 6: the policy's outbound.handler bean, and per-client rate limits.
		builder.rateLimiter(rateLimiter)
			.outboundHandlers(
					(name) -> beanFactory.containsBean(name) ? beanFactory.getBean(name, OutboundHandler.class) : null);
		applySandbox(properties, builder);
		listeners.orderedStream().forEach(builder::listener);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	@Bean
	@ConditionalOnBooleanProperty(prefix = WorkerLoaderProperties.CONFIG_PREFIX, name = "require-jit")
	@ConditionalOnSingleCandidate(WorkerLoaderStatistics.class)
	static WorkerLoaderJitCheck workerLoaderJitCheck(ObjectProvider<WorkerLoaderStatistics> loader) {
		return new WorkerLoaderJitCheck(loader.getObject());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.slf4j.MDC")
	static class GuestLogConfiguration {

		@Bean
		@ConditionalOnMissingBean
		GuestLogForwarder workerLoaderGuestLogForwarder() {
			return new GuestLogForwarder();
		}

	}

	private static void applySandbox(WorkerLoaderProperties properties, GraalWorkerLoader.Builder builder) {
		String prefix = WorkerLoaderProperties.CONFIG_PREFIX;
		WorkerLoaderProperties.Sandbox sandbox = properties.getSandbox();
		Integer threads = sandbox.getThreads();
		if (threads != null) {
			require(threads >= 1, prefix + ".sandbox.threads", threads, "At least one sandbox thread is needed.");
			builder.threads(threads);
		}
		long stackSize = sandbox.getStackSize().toBytes();
		require(stackSize >= 256 * 1024, prefix + ".sandbox.stack-size", sandbox.getStackSize(),
				"The stack size must be at least 256KB, or guest code cannot run.");
		builder.stackSize(stackSize);
		require(!sandbox.getWatchdogInterval().isNegative() && !sandbox.getWatchdogInterval().isZero(),
				prefix + ".sandbox.watchdog-interval", sandbox.getWatchdogInterval(),
				"The watchdog interval must be positive.");
		builder.watchdogInterval(sandbox.getWatchdogInterval());
		require(!sandbox.getKillGrace().isNegative() && !sandbox.getKillGrace().isZero(),
				prefix + ".sandbox.kill-grace", sandbox.getKillGrace(), "The kill grace must be positive.");
		builder.killGrace(sandbox.getKillGrace());
		double threshold = sandbox.getHeapGuardThreshold();
		require(threshold >= 0.1 && threshold <= 0.99, prefix + ".sandbox.heap-guard-threshold", threshold,
				"The heap guard threshold is a fraction of the maximum heap between 0.1 and 0.99.");
		builder.heapGuardThreshold(threshold);
		WorkerLoaderProperties.Pool pool = properties.getPool();
		require(pool.getMin() >= 0, prefix + ".pool.min", pool.getMin(), "The pool size must not be negative.");
		require(pool.getMax() >= pool.getMin(), prefix + ".pool.max", pool.getMax(),
				"The largest pool size must not be smaller than " + prefix + ".pool.min (" + pool.getMin() + ").");
		builder.poolMin(pool.getMin()).poolMax(pool.getMax());
		long cacheSize = properties.getCache().getMaxSize();
		require(cacheSize >= 0, prefix + ".cache.max-size", cacheSize, "The cache size must not be negative.");
		builder.sourceCacheSize(cacheSize);
		DataSize cacheWeight = properties.getCache().getMaxWeight();
		if (cacheWeight != null) {
			require(cacheWeight.toBytes() >= 0, prefix + ".cache.max-weight", cacheWeight,
					"The cache weight must not be negative.");
			builder.sourceCacheWeight(cacheWeight.toBytes());
		}
		WorkerLoaderProperties.Kept kept = properties.getKept();
		require(kept.getMaxWorkers() >= 1, prefix + ".kept.max-workers", kept.getMaxWorkers(),
				"At least one worker must be kept for get(id, ...) to work.");
		require(!kept.getIdleTimeout().isNegative() && !kept.getIdleTimeout().isZero(), prefix + ".kept.idle-timeout",
				kept.getIdleTimeout(), "The idle timeout of kept workers must be positive.");
		builder.keptMaxWorkers(kept.getMaxWorkers()).keptIdleTimeout(kept.getIdleTimeout());
	}

	/**
	 * The client of a load or call without a client id is the authenticated principal.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.security.core.context.SecurityContextHolder")
	static class SecurityClientIdConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ClientIdResolver workerLoaderClientIdResolver() {
			return new SecurityContextClientIdResolver();
		}

	}

	private static void require(boolean valid, String key, Object value, String reason) {
		if (!valid) {
			throw new InvalidConfigurationPropertyValueException(key, value, reason);
		}
	}

}
