package dev.workerloader.sandbox;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The heap guard watches only the pools that hold what survives a collection: under the
 * Serial collector (the worker hosts of issue 16) the survivor space is a few MiB, and
 * guarding it stopped workers that had allocated 4 MiB.
 */
class HeapGuardPoolTests {

	@Test
	void youngPoolsOfEveryCollectorAreNotGuarded() {
		assertThat(new String[] { "Eden Space", "Survivor Space", "G1 Eden Space", "G1 Survivor Space", "PS Eden Space",
				"PS Survivor Space", "ZGC Young Generation" })
			.allMatch(HeapGuard::isYoung);
	}

	@Test
	void oldPoolsOfEveryCollectorAreGuarded() {
		assertThat(
				new String[] { "Tenured Gen", "G1 Old Gen", "PS Old Gen", "ZGC Old Generation", "ZHeap", "Shenandoah" })
			.noneMatch(HeapGuard::isYoung);
	}

}
