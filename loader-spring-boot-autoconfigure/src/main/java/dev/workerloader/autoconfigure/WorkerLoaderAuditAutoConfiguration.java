package dev.workerloader.autoconfigure;

import dev.workerloader.actuate.audit.AuditWorkerListener;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.listener.AuditApplicationEvent;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the Worker Loader audit trail: every load and invocation is
 * published as an {@link AuditApplicationEvent}, which Boot's {@code AuditListener}
 * stores in the {@link AuditEventRepository} when the application defines one. Applies
 * only when Actuator is on the class path. Switch it off with
 * {@code worker-loader.audit.enabled=false}.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@AutoConfiguration(before = WorkerLoaderAutoConfiguration.class,
		afterName = "org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration")
@ConditionalOnClass(AuditApplicationEvent.class)
@ConditionalOnBooleanProperty(prefix = WorkerLoaderProperties.CONFIG_PREFIX, name = "audit.enabled",
		matchIfMissing = true)
@EnableConfigurationProperties(WorkerLoaderProperties.class)
public final class WorkerLoaderAuditAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AuditWorkerListener workerLoaderAuditListener(ApplicationEventPublisher publisher,
			ObjectProvider<AuditEventRepository> repository, WorkerLoaderProperties properties) {
		if (properties.getAudit().getStore() == WorkerLoaderProperties.Audit.Store.JDBC
				&& repository.getIfAvailable() == null) {
			// Issue 17: asking for a shared, durable trail and silently getting none.
			throw new InvalidConfigurationPropertyValueException(WorkerLoaderProperties.CONFIG_PREFIX + ".audit.store",
					"jdbc",
					"A shared audit trail needs a DataSource (one marked @WorkerLoaderDataSource, else a single"
							+ " or @Primary one) and Spring Boot's JDBC support"
							+ " (spring-boot-starter-jdbc) on the classpath.");
		}
		return new AuditWorkerListener(publisher);
	}

}
