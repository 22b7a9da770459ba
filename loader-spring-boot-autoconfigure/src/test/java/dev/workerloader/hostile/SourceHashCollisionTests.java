package dev.workerloader.hostile;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack (issue 12): make the loader run another code's cached parse. The parse cache and
 * kept workers are keyed by {@link WorkerCode#sha256()}; when it joined fields with NUL
 * characters, a one-module code holding NULs hashed like a two-module code and ran the
 * other's parsed module. The attacker's code continues after a line comment, so only its
 * own parse makes it answer 'attacker'.
 *
 * @author Worker Loader team
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.workerloader.hostile.Hostile#loaderTiers")
class SourceHashCollisionTests extends BothTiers {

	private static final String MAIN = "export default { run() { return globalThis.which ?? 'victim'; } }; //";

	private static final String LIB = "\nglobalThis.which = 'attacker';";

	@Test
	void aModuleHoldingNulCharactersRunsItsOwnCode() {
		WorkerCode victim = WorkerCode.builder().module("agent.js", MAIN).module("lib.js", LIB).build();
		WorkerCode attacker = WorkerCode.builder()
			.module("agent.js", MAIN + "\u0000lib.js\u0000JAVASCRIPT\u0000" + LIB)
			.build();
		assertThat(attacker.sha256()).isNotEqualTo(victim.sha256());
		try (Worker first = loader.load(victim)) {
			assertThat(first.getEntrypoint().call("run")).isEqualTo("victim");
		}
		try (Worker second = loader.load(attacker)) {
			assertThat(second.getEntrypoint().call("run")).isEqualTo("attacker");
		}
	}

	@Test
	void aKeptWorkerIsNotReturnedForCodeThatOnceHashedLikeIt() {
		WorkerCode victim = WorkerCode.builder().module("agent.js", MAIN).module("lib.js", LIB).build();
		WorkerCode attacker = WorkerCode.builder()
			.module("agent.js", MAIN + "\u0000lib.js\u0000JAVASCRIPT\u0000" + LIB)
			.build();
		try {
			Worker kept = loader.get("collide", victim);
			assertThat(loader.get("collide", attacker)).isNotSameAs(kept);
			assertThat(loader.get("collide", attacker).getEntrypoint().call("run")).isEqualTo("attacker");
		}
		finally {
			loader.evict("collide");
		}
	}

}
