package dev.workerloader;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WorkerCode#sha256()} is unambiguous (issue 12): text moved between fields, or
 * fields joined with NUL characters, never gives another code's hash.
 */
class WorkerCodeHashTests {

	@Test
	void aModuleHoldingNulCharactersDoesNotHashLikeTwoModules() {
		WorkerCode two = WorkerCode.builder().module("agent.js", "A").module("lib.js", "B").build();
		WorkerCode one = WorkerCode.builder().module("agent.js", "A\u0000lib.js\u0000JAVASCRIPT\u0000B").build();
		assertThat(one.sha256()).isNotEqualTo(two.sha256());
	}

	@Test
	void textMovedBetweenNameAndContentChangesTheHash() {
		WorkerCode a = WorkerCode.builder().mainModule("a.js").module("a.js", "x").module("bc.js", "y").build();
		WorkerCode b = WorkerCode.builder().mainModule("a.js").module("a.js", "x").module("b.js", "cy").build();
		assertThat(a.sha256()).isNotEqualTo(b.sha256());
	}

	@Test
	void identicalCodeHashesAlike() {
		assertThat(WorkerCode.of("export default {}").sha256()).isEqualTo(WorkerCode.of("export default {}").sha256())
			.matches("[0-9a-f]{64}");
	}

}
