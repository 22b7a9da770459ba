package dev.workerloader.autoconfigure;

import dev.workerloader.actuate.audit.AuditWorkerListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
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
public final class WorkerLoaderAuditAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AuditWorkerListener workerLoaderAuditListener(ObjectProvider<AuditEventRepository> repository) {
		return new AuditWorkerListener(repository.getIfAvailable());
	}

}
