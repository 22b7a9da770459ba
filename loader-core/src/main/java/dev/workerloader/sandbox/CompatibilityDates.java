package dev.workerloader.sandbox;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import dev.workerloader.WorkerLoadException;
import org.jspecify.annotations.Nullable;

/**
 * Checks a worker's {@code compatibilityDate} (issue 19). As on Cloudflare, the date pins
 * the runtime behaviour a worker was written against; a date in the future or before the
 * supported range is refused rather than silently read as "latest". Today the date
 * changes nothing: every supported date gets the runtime described in
 * {@code docs/runtime.md}. When a behaviour changes, it will be gated on a date here.
 *
 * @author Worker Loader team
 */
final class CompatibilityDates {

	/** The oldest supported date: Cloudflare's first compatibility flag. */
	static final LocalDate OLDEST = LocalDate.of(2021, 11, 3);

	private CompatibilityDates() {
	}

	static void check(String workerId, @Nullable String date) {
		if (date == null) {
			return;
		}
		LocalDate parsed;
		try {
			parsed = LocalDate.parse(date);
		}
		catch (DateTimeParseException ex) {
			throw new WorkerLoadException(workerId, "Worker '" + workerId + "' has compatibility date '" + date
					+ "', which is not a calendar date. Use a date like '2026-03-01'.");
		}
		// A day of slack: the caller's "today" may be a time zone ahead of UTC.
		LocalDate tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1);
		if (parsed.isAfter(tomorrow)) {
			throw new WorkerLoadException(workerId,
					"Worker '" + workerId + "' has compatibility date '" + date + "', which is in the future: no"
							+ " runtime behaviour is defined for it yet. Use today's date or an earlier one.");
		}
		if (parsed.isBefore(OLDEST)) {
			throw new WorkerLoadException(workerId,
					"Worker '" + workerId + "' has compatibility date '" + date + "', before the supported range,"
							+ " which starts at '" + OLDEST + "'. Use '" + OLDEST + "' or a later date.");
		}
	}

}
