package dev.workerloader.hostile;

import java.util.List;

import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerHostFailedException;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.testsupport.ForkedJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.workerloader.hostile.Hostile.assertHostAliveAndClean;
import static dev.workerloader.hostile.Hostile.assertKilled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Attack: exhausting memory. Growing bombs run in this JVM under a 32 MiB allocation
 * budget, which stops them long before they matter here. Single huge allocations, which a
 * budget sees only after the fact, run in a forked JVM with a 256 MiB heap
 * ({@link HostileMemoryMain}), where the JVM must survive them.
 *
 * @author Worker Loader team
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.workerloader.hostile.Hostile#loaderTiers")
class MemoryExhaustionTests extends BothTiers {

	@AfterEach
	void hostIsAliveAndClean() {
		assertHostAliveAndClean(loader);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			"array fill growth|run() { const a = []; for (;;) a.push(new Array(1e4).fill(1.5)); }",
			"concat doubling|run() { let a = [1, 2, 3, 4]; for (;;) a = a.concat(a); }",
			"string doubling kept and flattened|run() { let s = 'x'; const keep = []; for (;;) { s = s + s; s.indexOf('y'); keep.push(s); } }",
			"repeat kept|run() { const keep = []; for (;;) keep.push('y'.repeat(1e6) + keep.length); }",
			"retained JSON.parse|run() { const t = JSON.stringify(Array.from({ length: 1e4 }, (_, i) => ({ i }))); const keep = []; for (;;) keep.push(JSON.parse(t)); }",
			"spreading a huge iterator|run() { function* g() { for (let i = 0; ; i++) yield { i }; } return [...g()].length; }",
			"typed arrays kept|run() { const keep = []; for (;;) keep.push(new Float64Array(1e5)); }",
			"Map growth|run() { const m = new Map(); for (let i = 0; ; i++) m.set('k' + i, { i }); }",
			"closures kept|run() { const keep = []; for (let i = 0; ; i++) { const big = [i, i, i]; keep.push(() => big); } }",
			"Array.from a huge length|run() { return Array.from({ length: 1e9 }, (_, i) => i).length; }" })
	void growingBombIsStoppedByTheMemoryBudget(String attack, String method) {
		assertKilled(loader, this.tier, "memory", method, QuotaKind.MEMORY);
	}

	@Test
	void ropeDoublingEndsAtTheStringLengthLimit() {
		// s + s builds a rope that is never flattened: tiny in memory until GraalJS's
		// 1G-character limit throws.
		try (dev.workerloader.Worker worker = loader.load(Hostile.code("memory",
				"run() { let s = 'x'; try { for (;;) s = s + s; } catch (e) { return e.name; } }"))) {
			assertThat(worker.getEntrypoint().call("run")).isEqualTo("RangeError");
		}
	}

	@Test
	void hugeSingleAllocationsAreStoppedAndASmallHeapJvmSurvives() throws Exception {
		// In-process the small-heap JVM is a forked one; on the process tier it is the
		// worker host itself (below).
		assumeFalse(this.tier.isProcess(), "the process tier runs the bombs in its worker host");
		String output = ForkedJvm.run(HostileMemoryMain.class.getName(), java.time.Duration.ofSeconds(180));
		assertThat(output).contains("FRESH pong", "SURVIVED");
		// A representative pair: each host killed for its heap costs a host start.
		for (String[] bomb : HostileMemoryMain.BOMBS) {
			if (!List.of("typed-array-1g", "string-doubling").contains(bomb[0])) {
				continue;
			}
			assertThat(output).containsPattern("RESULT " + bomb[0] + " (MEMORY|RangeError)");
		}
	}

	@Test
	void hugeSingleAllocationsInTheWorkerHostEndTypedAndTheHostServesOn() {
		assumeTrue(this.tier.isProcess(), "in-process, a forked small-heap JVM runs the bombs (above)");
		// Bombs of HostileMemoryMain, in the 192 MiB host under a budget larger
		// than its heap: the host's heap guard or GraalJS's length limits stop each, or
		// the host's JVM runs out of memory and is killed and replaced. Any other outcome
		// fails, and a fresh worker is served after each (the @AfterEach checks the
		// last).
		// A representative pair: each host killed for its heap costs a host start.
		for (String[] bomb : HostileMemoryMain.BOMBS) {
			if (!List.of("typed-array-1g", "string-doubling").contains(bomb[0])) {
				continue;
			}
			Throwable thrown;
			try (Worker worker = loader.load(Hostile.code("roomy", "run() { " + bomb[1] + " }"))) {
				thrown = catchThrowable(() -> worker.getEntrypoint().call("run"));
			}
			System.out.println("[hostile] " + bomb[0] + " in the worker host: " + thrown);
			assertThat(thrown).as(bomb[0]).isInstanceOf(WorkerException.class);
			Hostile.assertNoSecret((WorkerException) thrown);
			if (thrown instanceof WorkerQuotaExceededException quota) {
				assertThat(quota.kind()).as(bomb[0]).isEqualTo(QuotaKind.MEMORY);
			}
			else if (thrown instanceof WorkerHostFailedException failed) {
				assertThat(failed.hostCause()).as(bomb[0]).isEqualTo(WorkerHostFailedException.Cause.OUT_OF_MEMORY);
			}
			else {
				assertThat(((WorkerException) thrown).getName()).as(bomb[0]).isEqualTo("RangeError");
			}
			assertHostAliveAndClean(loader);
		}
	}

}
