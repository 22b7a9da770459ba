package dev.workerloader;

/**
 * Formats quota amounts for messages.
 *
 * @author Worker Loader team
 */
final class Quotas {

	private Quotas() {
	}

	static String format(QuotaKind kind, long amount) {
		return switch (kind) {
			case CPU_TIME, WALL_TIME -> (amount / 1_000_000) + " ms";
			case MEMORY, OUTPUT -> formatBytes(amount);
			case STATEMENTS -> amount + " statements";
		};
	}

	static String formatBytes(long bytes) {
		if (bytes >= 1024 * 1024) {
			return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
		}
		if (bytes >= 1024) {
			return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0);
		}
		return bytes + " bytes";
	}

}
