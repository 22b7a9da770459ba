package dev.workerloader.sandbox;

import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerCode.Module;
import dev.workerloader.WorkerCode.ModuleType;
import dev.workerloader.WorkerLoadException;
import dev.workerloader.policy.WorkerLimits;
import org.jspecify.annotations.Nullable;

/**
 * Checks a worker's code against its policy's limits before anything is compiled: the
 * number of modules, the total code size and the bracket nesting depth of each JavaScript
 * and JSON module (deeply nested code could exhaust the parser's stack). The loader
 * checks the {@code env} size, and the syntax is checked by parsing every module without
 * running it. Each refusal names the limit, the value found and the property to change.
 *
 * @author Worker Loader team
 */
final class CodeChecks {

	private CodeChecks() {
	}

	static void check(String id, WorkerCode code, String policy, WorkerLimits limits) {
		check(id, code, policy, limits, (module) -> NestingScanner.scan(module.content()));
	}

	static void check(String id, WorkerCode code, String policy, WorkerLimits limits,
			java.util.function.Function<Module, NestingScanner.Depth> depths) {
		int modules = code.modules().size();
		if (modules > limits.modules()) {
			throw refused(id, "TooManyModules", modules + " modules", "the limit of " + limits.modules(), policy,
					"modules", null, -1, -1);
		}
		long size = code.codeSize();
		if (size > limits.codeSize()) {
			throw refused(id, "CodeTooLarge", size + " characters of code", "the limit of " + limits.codeSize(), policy,
					"code-size", null, -1, -1);
		}
		for (Module module : code.modules().values()) {
			if (module.type() == ModuleType.TEXT || module.type() == ModuleType.DATA) {
				continue;
			}
			NestingScanner.Depth depth = depths.apply(module);
			if (depth.max() > limits.nestingDepth()) {
				throw refused(id, "NestingTooDeep",
						"brackets nested " + depth.max() + " deep in module '" + module.name() + "' (line "
								+ depth.line() + ", column " + depth.column() + ")",
						"the nesting-depth limit of " + limits.nestingDepth(), policy, "nesting-depth", module.name(),
						depth.line(), depth.column());
			}
		}
	}

	private static WorkerLoadException refused(String id, String name, String found, String limit, String policy,
			String property, @Nullable String module, int line, int column) {
		return new WorkerLoadException(id, name,
				"Worker '" + id + "' was refused before compiling: it has " + found + ", over " + limit + " of policy '"
						+ policy + "'. Make it smaller, or raise " + QuotaProperties.limit(policy, property) + ".",
				module, line, column);
	}

}
