package dev.workerloader.sandbox;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.workerloader.WorkerException;
import dev.workerloader.WorkerLoadException;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SourceSection;
import org.jspecify.annotations.Nullable;

/**
 * Turns what GraalJS reports into our exceptions: guest errors keep their name, message
 * and a guest-only stack (module names as given, never host frames); syntax and import
 * problems become load errors with a location.
 *
 * @author Worker Loader team
 */
final class GuestErrors {

	private static final Pattern APP_PATH = Pattern.compile("(?:file://)?/app/");

	private static final Pattern GUEST_NAME = Pattern.compile("^([A-Za-z_$][A-Za-z0-9_$]*): ");

	private static final Pattern MISSING_MODULE = Pattern.compile("Cannot find module '([^']*)'");

	private static final int MAX_MESSAGE = 2000;

	private static final int MAX_NAME = 64;

	private static final int MAX_STACK_LINE = 300;

	private GuestErrors() {
	}

	/**
	 * Returns a guest stack with host paths removed and at most 32 frames.
	 * @param stack the stack as the guest's {@code error.stack} gives it
	 * @return the guest-only stack, one frame per line
	 */
	static String cleanStack(@Nullable String stack) {
		if (stack == null || stack.isEmpty()) {
			return "";
		}
		StringBuilder result = new StringBuilder();
		int frames = 0;
		for (String line : stack.split("\n")) {
			String trimmed = line.trim();
			if (!trimmed.startsWith("at ") || trimmed.contains("worker-loader-runtime")) {
				continue;
			}
			if (frames++ == 32) {
				result.append("at ...\n");
				break;
			}
			String frame = APP_PATH.matcher(trimmed).replaceAll("");
			result.append((frame.length() > MAX_STACK_LINE) ? frame.substring(0, MAX_STACK_LINE) + "..." : frame)
				.append('\n');
		}
		return result.toString().stripTrailing();
	}

	/**
	 * Clips a guest error name like a message, shorter (issue 13).
	 * @param name the name the guest gave its error
	 * @return the name, at most 64 characters and an ellipsis
	 */
	static String clipName(String name) {
		return (name.length() > MAX_NAME) ? name.substring(0, MAX_NAME) + "..." : name;
	}

	static String clip(String message) {
		String clean = APP_PATH.matcher(message).replaceAll("");
		return (clean.length() > MAX_MESSAGE) ? clean.substring(0, MAX_MESSAGE) + "..." : clean;
	}

	/**
	 * Translates an exception thrown while evaluating a worker's modules.
	 * @param workerId the worker id
	 * @param ex the exception
	 * @param redactor the secrets removed from the message
	 * @return the exception to throw
	 */
	static WorkerException loadFailure(String workerId, PolyglotException ex, Redactor redactor) {
		String message = clip(redactor.redact(String.valueOf(ex.getMessage())));
		SourceSection location = ex.getSourceLocation();
		String module = (location != null)
				? ModuleFileSystem.moduleName(java.nio.file.Path.of(location.getSource().getName())) : null;
		if (ex.isSyntaxError()) {
			int line = (location != null) ? location.getStartLine() : -1;
			int column = (location != null) ? location.getStartColumn() : -1;
			return new WorkerLoadException(workerId, "SyntaxError",
					"Worker '" + workerId + "' has a syntax error in module '" + module + "' at line " + line
							+ ", column " + column + ": " + stripName(message) + ". Fix the module and load it again.",
					module, line, column);
		}
		Matcher missing = MISSING_MODULE.matcher(message);
		if (missing.find()) {
			return new WorkerLoadException(workerId, "ModuleNotFound", "Worker '" + workerId + "' imports '"
					+ clip(missing.group(1))
					+ "', which is not one of its modules. Only the worker's own modules can be"
					+ " imported: add it with .module(...), .jsonModule(...) or .textModule(...), or fix the import path.",
					module, -1, -1);
		}
		if (ex.isGuestException()) {
			Matcher name = GUEST_NAME.matcher(message);
			String errorName = name.find() ? name.group(1) : "Error";
			return new WorkerLoadException(workerId, errorName,
					"Worker '" + workerId + "' threw while evaluating its modules: " + message, module,
					(location != null) ? location.getStartLine() : -1,
					(location != null) ? location.getStartColumn() : -1);
		}
		if (!ex.isGuestException()) {
			// An engine failure: its message names engine classes (issue 13).
			return new WorkerLoadException(workerId, "Worker '" + workerId
					+ "' could not be loaded: the sandbox failed while evaluating its modules; the host log has the details");
		}
		return new WorkerLoadException(workerId, "Worker '" + workerId + "' could not be loaded: " + message);
	}

	private static String stripName(String message) {
		Matcher name = GUEST_NAME.matcher(message);
		return name.find() ? message.substring(name.end()) : message;
	}

}
