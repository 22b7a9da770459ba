package dev.workerloader;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of one successful call into a worker.
 *
 * @param value the result as a plain Java value ({@code null}, {@link Boolean},
 * {@link Number}, {@link String}, {@link java.util.List} or {@link java.util.Map})
 * @param logs the console output of this call, bounded by the policy's log size
 * @param logsTruncated whether console output was dropped because it exceeded the bound
 * @param cpuTime the CPU time the sandbox thread spent on this call
 * @param wallTime the elapsed time of this call, including awaiting host calls
 * @param allocatedBytes the bytes the sandbox thread allocated during this call
 * @author Worker Loader team
 * @since 0.1.0
 */
public record Invocation(@Nullable Object value, List<LogEntry> logs, boolean logsTruncated, Duration cpuTime,
		Duration wallTime, long allocatedBytes) {

	public Invocation {
		logs = List.copyOf(logs);
	}

}
