package dev.workerloader.sandbox;

import java.util.ArrayList;
import java.util.List;

import dev.workerloader.LogEntry;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.jspecify.annotations.Nullable;

/**
 * Receives the guest's console output and keeps it in the buffer of the running
 * invocation, up to that invocation's byte limit and {@value Buffer#MAX_ENTRIES} entries.
 * Each entry costs its level, its text and {@value Buffer#ENTRY_OVERHEAD} bytes, so a
 * flood of empty entries is not free (issue 13). Output beyond the limit is dropped and
 * the buffer marked truncated. Called on the sandbox thread only.
 *
 * @author Worker Loader team
 */
final class LogSink implements ProxyExecutable {

	private @Nullable Buffer current;

	private Redactor redactor = Redactor.NONE;

	/** Sets the secrets removed from every entry, before it is bounded or stored. */
	void redactor(Redactor redactor) {
		this.redactor = redactor;
	}

	void begin(long limitBytes) {
		this.current = new Buffer(limitBytes);
	}

	Buffer end() {
		Buffer buffer = this.current;
		this.current = null;
		return (buffer != null) ? buffer : new Buffer(0);
	}

	@Override
	public @Nullable Object execute(Value... arguments) {
		Buffer buffer = this.current;
		if (buffer != null && arguments.length == 2) {
			// Redacted before the size limit cuts it: a cut must not leave half a secret.
			buffer.add(level(arguments[0].asString()), this.redactor.redact(arguments[1].asString()));
		}
		return null;
	}

	/**
	 * One of the console's levels; anything else (the runtime never sends it) is
	 * {@code log}, so that no level text of the guest's reaches a log line.
	 */
	private static String level(String level) {
		return switch (level) {
			case "log", "info", "warn", "error", "debug" -> level;
			default -> "log";
		};
	}

	static final class Buffer {

		private static final String TRUNCATED = "[output truncated: the log size limit of this worker was reached]";

		/**
		 * What an entry costs beyond its text: the entry, its level and its list slot.
		 */
		static final int ENTRY_OVERHEAD = 64;

		/** The most entries one invocation keeps, whatever its log size limit. */
		static final int MAX_ENTRIES = 1000;

		private final long limit;

		private final List<LogEntry> entries = new ArrayList<>();

		private long size;

		private boolean truncated;

		Buffer(long limit) {
			this.limit = limit;
		}

		void add(String level, String message) {
			if (this.truncated) {
				return;
			}
			long length = message.length() + level.length() + ENTRY_OVERHEAD;
			if (this.size + length > this.limit || this.entries.size() >= MAX_ENTRIES) {
				long room = Math.min(message.length(), this.limit - this.size - level.length() - ENTRY_OVERHEAD);
				if (room > 0 && this.entries.size() < MAX_ENTRIES) {
					this.entries.add(new LogEntry(level, message.substring(0, (int) room)));
				}
				this.entries.add(new LogEntry("warn", TRUNCATED));
				this.truncated = true;
				return;
			}
			this.size += length;
			this.entries.add(new LogEntry(level, message));
		}

		List<LogEntry> entries() {
			return this.entries;
		}

		boolean truncated() {
			return this.truncated;
		}

	}

}
