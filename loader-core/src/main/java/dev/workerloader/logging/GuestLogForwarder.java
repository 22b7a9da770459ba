package dev.workerloader.logging;

import dev.workerloader.LogEntry;
import dev.workerloader.WorkerListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Forwards guest console output to the SLF4J logger {@value #LOGGER_NAME}, with the
 * worker id and policy in the MDC ({@code workerId}, {@code workerPolicy}). Newlines and
 * control characters are escaped, so a guest cannot forge host log lines.
 * {@code console.error} logs at WARN (it is the guest's error, not the host's),
 * {@code warn} at WARN, {@code log} and {@code info} at INFO, {@code debug} at DEBUG.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class GuestLogForwarder implements WorkerListener {

	/**
	 * The logger guest output goes to.
	 */
	public static final String LOGGER_NAME = "dev.workerloader.guest";

	/**
	 * The MDC key of the worker id.
	 */
	public static final String MDC_WORKER_ID = "workerId";

	/**
	 * The MDC key of the policy name.
	 */
	public static final String MDC_POLICY = "workerPolicy";

	private static final Logger logger = LoggerFactory.getLogger(LOGGER_NAME);

	@Override
	public void guestLog(String workerId, String policy, LogEntry entry) {
		boolean enabled = switch (entry.level()) {
			case "debug" -> logger.isDebugEnabled();
			case "warn", "error" -> logger.isWarnEnabled();
			default -> logger.isInfoEnabled();
		};
		if (!enabled) {
			return;
		}
		MDC.put(MDC_WORKER_ID, escape(workerId));
		MDC.put(MDC_POLICY, policy);
		try {
			String message = "[" + escape(workerId) + "] " + escape(entry.message());
			switch (entry.level()) {
				case "debug" -> logger.debug(message);
				case "warn", "error" -> logger.warn(message);
				default -> logger.info(message);
			}
		}
		finally {
			MDC.remove(MDC_WORKER_ID);
			MDC.remove(MDC_POLICY);
		}
	}

	/**
	 * Escapes newlines, control characters and Unicode line separators as {@code \n},
	 * {@code \r}, {@code \t} or {@code \}{@code uXXXX}.
	 * @param text untrusted text
	 * @return the text on one line
	 */
	public static String escape(String text) {
		StringBuilder out = null;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029'
					|| c == '\u0085';
			if (control || c == '\\') {
				if (out == null) {
					out = new StringBuilder(text.length() + 16).append(text, 0, i);
				}
				switch (c) {
					case '\n' -> out.append("\\n");
					case '\r' -> out.append("\\r");
					case '\t' -> out.append("\\t");
					case '\\' -> out.append("\\\\");
					default -> out.append(String.format("\\u%04x", (int) c));
				}
			}
			else if (out != null) {
				out.append(c);
			}
		}
		return (out != null) ? out.toString() : text;
	}

}
