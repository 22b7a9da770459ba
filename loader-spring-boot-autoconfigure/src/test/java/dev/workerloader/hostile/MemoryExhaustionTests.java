package dev.workerloader.hostile;

import dev.workerloader.QuotaKind;
import dev.workerloader.sandbox.GraalWorkerLoader;
import dev.workerloader.testsupport.ForkedJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.workerloader.hostile.Hostile.assertHostAliveAndClean;
import static dev.workerloader.hostile.Hostile.assertKilled;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack: exhausting memory. Growing bombs run in this JVM under a 32 MiB allocation
 * budget, which stops them long before they matter here. Single huge allocations, which a
 * budget sees only after the fact, run in a forked JVM with a 256 MiB heap
 * ({@link HostileMemoryMain}), where the JVM must survive them.
 *
 * @author Worker Loader team
 */
class MemoryExhaustionTests {

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void startLoader() {
		loader = Hostile.loader();
	}

	@AfterAll
	static void stopLoader() {
		loader.close();
	}

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
		assertKilled(loader, "memory", method, QuotaKind.MEMORY);
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
		String output = ForkedJvm.run(HostileMemoryMain.class.getName(), java.time.Duration.ofSeconds(180));
		assertThat(output).contains("FRESH pong", "SURVIVED");
		for (String[] bomb : HostileMemoryMain.BOMBS) {
			assertThat(output).containsPattern("RESULT " + bomb[0] + " (MEMORY|RangeError)");
		}
	}

}
