package dev.workerloader.sandbox;

import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoadException;
import dev.workerloader.policy.WorkerLimits;

/**
 * Checks a worker's code against its policy's size limits before anything is compiled.
 *
 * @author Worker Loader team
 */
final class CodeChecks {

	private CodeChecks() {
	}

	static void check(String id, WorkerCode code, String policy, WorkerLimits limits) {
		int modules = code.modules().size();
		if (modules > limits.modules()) {
			throw refused(id, "TooManyModules", modules + " modules", "the limit of " + limits.modules(), policy,
					"modules");
		}
		long size = code.codeSize();
		if (size > limits.codeSize()) {
			throw refused(id, "CodeTooLarge", size + " characters of code", "the limit of " + limits.codeSize(), policy,
					"code-size");
		}
	}

	private static WorkerLoadException refused(String id, String name, String found, String limit, String policy,
			String property) {
		return new WorkerLoadException(id, name, "Worker '" + id + "' was refused before compiling: it has " + found
				+ ", over " + limit + " of policy '" + policy + "'. Make it smaller, or raise "
				+ QuotaProperties.limit(policy, property) + ".", null, -1, -1);
	}

}
