package dev.workerloader.autoconfigure;

import dev.workerloader.sandbox.JitDiagnosis;

/**
 * Thrown at startup when {@code worker-loader.require-jit=true} and GraalJS runs guest
 * code in its interpreter. Carries the reason and the JVM options to add.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class WorkerLoaderJitUnavailableException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final transient JitDiagnosis diagnosis;

	/**
	 * Creates a new exception.
	 * @param diagnosis why the JIT is off and what to add
	 */
	public WorkerLoaderJitUnavailableException(JitDiagnosis diagnosis) {
		super("worker-loader.require-jit is true, but GraalJS runs guest code in its interpreter. "
				+ diagnosis.reason());
		this.diagnosis = diagnosis;
	}

	/**
	 * Returns why the JIT is off and what to add.
	 * @return the diagnosis
	 */
	public JitDiagnosis getDiagnosis() {
		return this.diagnosis;
	}

}
