package dev.workerloader.autoconfigure;

import dev.workerloader.actuate.audit.AuditWorkerListener;

import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.listener.AuditApplicationEvent;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
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
public final class WorkerLoaderAuditAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AuditWorkerListener workerLoaderAuditListener(ApplicationEventPublisher publisher) {
		return new AuditWorkerListener(publisher);
	}

}
