package dev.workerloader.hostile;

import java.util.List;

import dev.workerloader.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.workerloader.hostile.Hostile.assertHostAliveAndClean;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack: fine-grained timers for timing side channels. {@code Date} ticks in steps of 10
 * ms ({@code js.timer-resolution}, set by the sandbox engine), and so does
 * {@code performance.now()} (issue 19).
 *
 * @author Worker Loader team
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.workerloader.hostile.Hostile#loaderTiers")
class TimerResolutionTests extends BothTiers {

	private static final int RESOLUTION_MS = 10;

	@AfterParameterizedClassInvocation
	static void hostIsStillAliveAndClean() {
		assertHostAliveAndClean(loader);
	}

	@Test
	void dateTicksNoFinerThanTheResolution() {
		// Spin for at least 60 ms of guest time and keep every distinct value seen.
		try (Worker worker = loader.load(Hostile.code("default",
				"run() { const seen = new Set(); const start = Date.now();"
						+ " while (seen.size < 6) { seen.add(Date.now()); seen.add(new Date().getTime()); }"
						+ " return [...seen].map((t) => t - start); }"))) {
			@SuppressWarnings("unchecked")
			List<Number> ticks = (List<Number>) worker.getEntrypoint().call("run");
			assertThat(ticks).hasSizeGreaterThanOrEqualTo(6);
			for (Number tick : ticks) {
				assertThat(tick.longValue() % RESOLUTION_MS).as("tick %s ms", tick).isZero();
			}
		}
	}

	@Test
	void performanceNowTicksNoFinerThanTheResolution() {
		// Issue 19: performance.now() exists, as on Cloudflare, and is as coarse as Date.
		try (Worker worker = loader.load(Hostile.code("default",
				"run() { const seen = new Set(); const start = performance.now();"
						+ " while (seen.size < 6) { seen.add(performance.now()); }"
						+ " return [...seen].map((t) => t - start).concat([typeof process]); }"))) {
			@SuppressWarnings("unchecked")
			List<Object> ticks = (List<Object>) worker.getEntrypoint().call("run");
			assertThat(ticks).hasSizeGreaterThanOrEqualTo(7).last().isEqualTo("undefined");
			for (Object tick : ticks.subList(0, ticks.size() - 1)) {
				assertThat(((Number) tick).doubleValue() % RESOLUTION_MS).as("tick %s ms", tick).isZero();
			}
		}
	}

}
