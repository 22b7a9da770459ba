package dev.workerloader.sandbox;

import org.jspecify.annotations.Nullable;

/**
 * A copy of a host exception for the host log: the same type name, stack frames and cause
 * chain, with secrets removed from every message (issue 12).
 *
 * @author Worker Loader team
 */
final class RedactedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private RedactedException(String message, Throwable original, @Nullable Throwable cause) {
		super(message, cause, false, true);
		setStackTrace(original.getStackTrace());
	}

	/**
	 * Returns {@code ex} itself when there is nothing to redact, otherwise a copy of it
	 * and its causes with redacted messages.
	 * @param ex the exception
	 * @param redactor the secrets
	 * @return the exception to log
	 */
	static Throwable of(Throwable ex, Redactor redactor) {
		if (redactor.isEmpty()) {
			return ex;
		}
		return copy(ex, redactor, 0);
	}

	private static RedactedException copy(Throwable ex, Redactor redactor, int depth) {
		String message = (ex.getMessage() != null) ? ": " + redactor.redact(ex.getMessage()) : "";
		Throwable cause = ex.getCause();
		Throwable copiedCause = (cause != null && cause != ex && depth < 16) ? copy(cause, redactor, depth + 1) : null;
		return new RedactedException(ex.getClass().getName() + message, ex, copiedCause);
	}

}
