package dev.workerloader.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link InvalidWorkerBindingException}: which bean, which binding, and what
 * to change.
 *
 * @author Worker Loader team
 */
class InvalidWorkerBindingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidWorkerBindingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidWorkerBindingException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
