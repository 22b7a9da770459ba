package dev.workerloader.autoconfigure;

import dev.workerloader.actuate.audit.AuditWorkerListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the Worker Loader audit trail: every load and invocation becomes
 * an {@link AuditEvent}, stored in the {@link AuditEventRepository} when there is one and
 * logged to {@code dev.workerloader.audit} otherwise. Switch it off with
 * {@code worker-loader.audit.enabled=false}.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@AutoConfiguration(before = WorkerLoaderAutoConfiguration.class,
		afterName = "org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration")
@ConditionalOnClass(AuditEvent.class)
@ConditionalOnBooleanProperty(prefix = WorkerLoaderProperties.CONFIG_PREFIX, name = "audit.enabled",
		matchIfMissing = true)
@EnableConfigurationProperties(WorkerLoaderProperties.class)
public final class WorkerLoaderAuditAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AuditWorkerListener workerLoaderAuditListener(ObjectProvider<AuditEventRepository> repository,
			WorkerLoaderProperties properties) {
		AuditEventRepository events = repository.getIfAvailable();
		if (events == null && properties.getAudit().getStore() == WorkerLoaderProperties.Audit.Store.JDBC) {
			// Issue 17: asking for a shared, durable trail and silently getting a log.
			throw new InvalidConfigurationPropertyValueException(WorkerLoaderProperties.CONFIG_PREFIX + ".audit.store",
					"jdbc", "A shared audit trail needs a single DataSource bean and Spring Boot's JDBC support"
							+ " (spring-boot-starter-jdbc) on the classpath.");
		}
		return new AuditWorkerListener(events);
	}

}
