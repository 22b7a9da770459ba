package dev.workerloader.codemode;

import java.time.Duration;
import java.util.List;

import dev.workerloader.LogEntry;
import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerLoader;
import org.jspecify.annotations.Nullable;

/**
 * Everything about one agent run, in the shape an agent framework hands back to the
 * model: the value or the error, the console output, the quota that stopped it and the
 * durations. Produced by {@link WorkerLoader#run(String, Object)}; never carries host
 * stack traces.
 *
 * @param value the result as a plain Java value, {@code null} on error
 * @param logs the console output
 * @param logsTruncated whether console output was dropped for exceeding the log size
 * @param error the error, or {@code null} on success
 * @param quota the quota that stopped the run, or {@code null}
 * @param loadTime the time to check, compile and evaluate the code
 * @param cpuTime CPU time of the call
 * @param wallTime elapsed time of the call
 * @author Worker Loader team
 * @since 0.1.0
 */
public record RunResult(@Nullable Object value, List<LogEntry> logs, boolean logsTruncated, @Nullable Error error,
		@Nullable QuotaKind quota, Duration loadTime, Duration cpuTime, Duration wallTime) {

	public RunResult {
		logs = List.copyOf(logs);
	}

	/**
	 * Returns whether the run produced a value.
	 * @return whether there is no error
	 */
	public boolean isSuccess() {
		return this.error == null;
	}

	/**
	 * What went wrong.
	 *
	 * @param name the guest error name ({@code TypeError}...) or the category of a host
	 * refusal ({@code SyntaxError}, {@code PolicyError}, {@code QuotaExceeded}...)
	 * @param message the message
	 * @param stack the guest-only stack, possibly empty
	 */
	public record Error(String name, String message, String stack) {
	}

}
