package dev.workerloader.actuate.audit;

/**
 * Escapes text that may come from guests or clients before it reaches a log line.
 *
 * @author Worker Loader team
 */
final class GuestText {

	private GuestText() {
	}

	static boolean needsQuoting(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c <= ' ' || c == '"' || c == '=' || c == 0x7f) {
				return true;
			}
		}
		return value.isEmpty();
	}

	static String escape(String value) {
		return dev.workerloader.logging.GuestLogForwarder.escape(value);
	}

}
