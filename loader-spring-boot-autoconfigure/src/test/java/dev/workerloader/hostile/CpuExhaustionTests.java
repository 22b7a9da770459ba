package dev.workerloader.hostile;

import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerQuotaExceededException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.workerloader.hostile.Hostile.assertHostAliveAndClean;
import static dev.workerloader.hostile.Hostile.assertKilled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Attack: burning CPU. Every shape of runaway that does not end on its own is stopped by
 * the CPU-time quota (100 ms here), whether it loops in guest code, in the microtask
 * queue, in the regular expression engine or in a long built-in. Runs on both tiers
 * (issue 16): on the process tier the host's sandbox stops the runaway the same way, and
 * the host must survive it.
 *
 * @author Worker Loader team
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.workerloader.hostile.Hostile#loaderTiers")
class CpuExhaustionTests extends BothTiers {

	@AfterEach
	void hostIsAliveAndClean() {
		assertHostAliveAndClean(loader);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = { "tight loop|run() { while (true) {} }",
			"loop with try/catch/finally|run() { for (;;) { try { throw new Error('x'); } catch (e) { continue; } finally { continue; } } }",
			"finally that swallows the kill|run() { for (;;) { try { while (true) {} } finally { globalThis.again = true; } } }",
			"microtask chain|run() { const again = () => Promise.resolve().then(again); again(); return new Promise(() => {}); }",
			"await loop|async run() { for (;;) { await null; } }",
			"backtracking regex with backreference|run() { return /^(a+)+\\1$/.test('a'.repeat(40) + 'b'); }",
			"huge sort|run() { for (;;) { const a = []; for (let i = 0; i < 1e6; i++) a.push((i * 7919) % 1e6); a.sort((x, y) => x - y); } }",
			"sort with a lying comparator|run() { const a = Array.from({ length: 2e5 }, (_, i) => i); for (;;) a.sort(() => Math.random() - 0.5); }",
			"JSON round trips|run() { const big = []; for (let i = 0; i < 1e5; i++) big.push({ i, s: 'x' + i }); for (;;) JSON.parse(JSON.stringify(big)); }",
			"JSON reviver loop|run() { const t = JSON.stringify(Array.from({ length: 1e5 }, (_, i) => i)); for (;;) JSON.parse(t, (k, v) => v); }",
			"getter storm|run() { const o = {}; Object.defineProperty(o, 'x', { get() { return o.x; } }); for (;;) { try { o.x; } catch (e) {} } }",
			"string building|run() { let s = ''; for (;;) { s = (s + 'x').slice(-1000); } }" })
	void runawayIsStoppedForCpuTime(String attack, String method) {
		assertKilled(loader, this.tier, "cpu", method, QuotaKind.CPU_TIME);
	}

	@Test
	void catastrophicJsonStringifyOfASharedGraphIsStopped() {
		// 2^22 leaves from 22 arrays: JSON.stringify expands the shared references. The
		// built-in runs in Java and notices a kill only when it returns, so whichever of
		// the CPU and memory quotas is crossed first stops it; on a machine so loaded
		// that
		// the thread gets under a tenth of a core, the wall limit comes first.
		try (Worker worker = loader.load(Hostile.code("tight",
				"run() { let x = [1]; for (let i = 0; i < 22; i++) { x = [x, x]; } for (;;) JSON.stringify(x); }"))) {
			assertThatExceptionOfType(WorkerQuotaExceededException.class)
				.isThrownBy(() -> worker.getEntrypoint().call("run"))
				.satisfies((ex) -> {
					assertThat(ex.kind()).isIn(QuotaKind.CPU_TIME, QuotaKind.MEMORY, QuotaKind.WALL_TIME);
					assertThat(ex.used()).isGreaterThanOrEqualTo(ex.limit());
					Hostile.assertNoSecret(ex);
				});
			assertThat(worker.isClosed()).isTrue();
		}
	}

	@Test
	void deeplyNestedJsonIsAGuestRangeError() {
		try (Worker worker = loader.load(Hostile.code("cpu",
				"run() { try { JSON.parse('['.repeat(1e6) + ']'.repeat(1e6)); return 'parsed'; } catch (e) { return e.name; } }"))) {
			assertThat(worker.getEntrypoint().call("run")).isEqualTo("RangeError");
		}
	}

}
