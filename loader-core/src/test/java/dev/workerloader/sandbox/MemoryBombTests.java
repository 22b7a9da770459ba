package dev.workerloader.sandbox;

import dev.workerloader.testsupport.ForkedJvm;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Memory bombs run in a forked JVM with a 256 MiB heap: each is stopped with
 * {@code MEMORY}, by the per-invocation budget or by the heap guard, and that JVM
 * survives and keeps serving.
 */
class MemoryBombTests {

	@Test
	void memoryBombsAreStoppedAndASmallHeapJvmSurvives() throws Exception {
		String output = ForkedJvm.run(MemoryBombMain.class.getName(), java.time.Duration.ofSeconds(240));
		assertThat(output).contains("SURVIVED", "FRESH pong", "BYSTANDER ok");
		for (String[] bomb : MemoryBombMain.BOMBS) {
			assertThat(output).contains("RESULT " + bomb[0] + " budget MEMORY");
			assertThat(output).contains("RESULT " + bomb[0] + " guard MEMORY");
		}
	}

}
