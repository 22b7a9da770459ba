package dev.workerloader;

/**
 * One line a guest wrote with {@code console.log}, {@code console.info},
 * {@code console.warn}, {@code console.error} or {@code console.debug}.
 *
 * @param level the console method: {@code log}, {@code info}, {@code warn}, {@code error}
 * or {@code debug}
 * @param message the formatted message, as the guest wrote it (untrusted text)
 * @author Worker Loader team
 * @since 0.1.0
 */
public record LogEntry(String level, String message) {

	@Override
	public String toString() {
		return this.level + ": " + this.message;
	}

}
