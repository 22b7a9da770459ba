package dev.workerloader.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link WorkerLoaderJitUnavailableException}: why guest code would run in the
 * interpreter, and the JVM options that turn the JIT on (or the property that accepts the
 * interpreter).
 *
 * @author Worker Loader team
 */
class WorkerLoaderJitUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<WorkerLoaderJitUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, WorkerLoaderJitUnavailableException cause) {
		return new FailureAnalysis(cause.getMessage(),
				cause.getDiagnosis().remedy()
						+ " Or set worker-loader.require-jit=false to run in the interpreter, about 6-9 times slower.",
				cause);
	}

}
