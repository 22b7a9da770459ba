package dev.workerloader.sandbox;

import java.time.Duration;

/**
 * What the start-up warm-up did ({@link GraalWorkerLoader#warmUp(int, Duration)}).
 *
 * @param loads the synthetic workers loaded and called
 * @param elapsed how long the warm-up took
 * @param first the median time of one synthetic load and its calls among the first 20
 * @param last the median among the last 20
 * @param stoppedByTime whether the time limit ended the warm-up before all loads ran
 */
public record WarmUpResult(int loads, Duration elapsed, Duration first, Duration last, boolean stoppedByTime) {

	/**
	 * Describes the result in one line, for the start-up log.
	 * @return the description
	 */
	public String describe() {
		return "Worker Loader warmed up with " + this.loads + " synthetic workers in " + this.elapsed.toMillis() + " ms"
				+ (this.stoppedByTime ? " (stopped by its time limit)" : "") + ": one took "
				+ String.format(java.util.Locale.ROOT, "%.2f", this.first.toNanos() / 1e6) + " ms at first and "
				+ String.format(java.util.Locale.ROOT, "%.2f", this.last.toNanos() / 1e6) + " ms at the end";
	}

}
