package dev.workerloader.autoconfigure;

import dev.workerloader.sandbox.JitDiagnosis;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WorkerLoaderJitUnavailableFailureAnalyzer} says why and what to add.
 */
class WorkerLoaderJitUnavailableFailureAnalyzerTests {

	@Test
	void descriptionHasTheReasonAndActionTheJvmOptions() {
		WorkerLoaderJitUnavailableException cause = new WorkerLoaderJitUnavailableException(
				new JitDiagnosis("JDK 25.0.3: JVMCI is not enabled.", "Add -XX:+EnableJVMCI."));
		FailureAnalysis analysis = new WorkerLoaderJitUnavailableFailureAnalyzer()
			.analyze(new BeanCreationException("wrapped", cause));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("worker-loader.require-jit is true")
			.contains("JVMCI is not enabled");
		assertThat(analysis.getAction()).contains("Add -XX:+EnableJVMCI.").contains("worker-loader.require-jit=false");
	}

}
