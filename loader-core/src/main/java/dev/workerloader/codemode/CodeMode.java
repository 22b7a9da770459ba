package dev.workerloader.codemode;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import dev.workerloader.Invocation;
import dev.workerloader.LogEntry;
import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerLoader;
import dev.workerloader.WorkerQuotaExceededException;
import org.jspecify.annotations.Nullable;

/**
 * Runs code as a language model wrote it: normalises it with {@link CodeNormalizer},
 * loads it into a fresh worker and reports everything about the run as a
 * {@link RunResult} instead of throwing.
 * {@link WorkerLoader#run(String, Object, Consumer)} delegates here.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class CodeMode {

	private CodeMode() {
	}

	/**
	 * Runs the model's code in a fresh worker of {@code loader}.
	 * @param loader the loader that creates the worker
	 * @param code the model's output
	 * @param param the parameter, deep-copied into the sandbox
	 * @param customizer sets env, policy, name or client id on the worker's code
	 * @return the result, with the value or the error
	 */
	public static RunResult run(WorkerLoader loader, String code, @Nullable Object param,
			Consumer<WorkerCode.Builder> customizer) {
		long start = System.nanoTime();
		Duration loadTime = Duration.ZERO;
		try {
			CodeNormalizer.NormalizedCode normalized = new CodeNormalizer().normalize(code);
			WorkerCode.Builder builder = WorkerCode.builder()
				.module(WorkerCode.DEFAULT_MAIN_MODULE, normalized.source());
			customizer.accept(builder);
			try (Worker worker = loader.load(builder.build())) {
				loadTime = Duration.ofNanos(System.nanoTime() - start);
				Invocation invocation = worker.getEntrypoint().invoke(normalized.method(), param);
				return new RunResult(invocation.value(), invocation.logs(), invocation.logsTruncated(), null, null,
						loadTime, invocation.cpuTime(), invocation.wallTime());
			}
		}
		catch (WorkerException ex) {
			if (loadTime.isZero()) {
				loadTime = Duration.ofNanos(System.nanoTime() - start);
			}
			QuotaKind quota = (ex instanceof WorkerQuotaExceededException exceeded) ? exceeded.kind() : null;
			String message = (ex.getClass() == WorkerException.class) ? ex.getGuestMessage() : ex.getMessage();
			List<LogEntry> logs = ex.getLogs();
			return new RunResult(null, logs, false,
					new RunResult.Error(ex.getName(), String.valueOf(message), ex.getGuestStack()), quota, loadTime,
					Duration.ZERO, Duration.ofNanos(System.nanoTime() - start).minus(loadTime));
		}
	}

}
