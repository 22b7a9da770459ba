package dev.workerloader.autoconfigure;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.ConfigurationCondition;

/**
 * Matches when a JDBC feature has a {@link DataSource}: one marked
 * {@link WorkerLoaderDataSource @WorkerLoaderDataSource}, or a single (or primary) one of
 * the application. Several unmarked ones without a primary leave the feature in memory.
 *
 * @author Worker Loader team
 */
class OnWorkerLoaderDataSourceCondition extends AnyNestedCondition {

	OnWorkerLoaderDataSourceCondition() {
		super(ConfigurationCondition.ConfigurationPhase.REGISTER_BEAN);
	}

	@ConditionalOnBean(value = DataSource.class, annotation = WorkerLoaderDataSource.class)
	static class Qualified {

	}

	@ConditionalOnSingleCandidate(DataSource.class)
	static class SingleCandidate {

	}

}
