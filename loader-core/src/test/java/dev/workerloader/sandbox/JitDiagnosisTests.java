package dev.workerloader.sandbox;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JitDiagnosis} says why guest code runs interpreted and what exactly to add, for
 * each way the JIT can be missing (issue 14).
 */
class JitDiagnosisTests {

	private static final Runtime.Version JDK_25_0_3 = Runtime.Version.parse("25.0.3+9");

	@Test
	void jdk17And21OnlyEverInterpret() {
		for (String version : new String[] { "17.0.15+6", "21.0.7+6" }) {
			JitDiagnosis diagnosis = JitDiagnosis.diagnose("Interpreted", Runtime.Version.parse(version),
					"Temurin-" + version, "OpenJDK 64-Bit Server VM", false, null);
			assertThat(diagnosis.reason()).contains("JDK " + version).contains("needs JDK 25");
			assertThat(diagnosis.remedy()).contains("GraalVM JDK 25").contains("-XX:+EnableJVMCI");
		}
	}

	@Test
	void jvmciOffOnJdk25NamesTheFlagsAndTheCompilerOfThisJdkUpdate() {
		JitDiagnosis diagnosis = JitDiagnosis.diagnose("Interpreted", JDK_25_0_3, "Temurin-25.0.3+9",
				"OpenJDK 64-Bit Server VM", false, new JitDiagnosis.CompilerModule(false, "25.0.3"));
		assertThat(diagnosis.reason()).contains("JVMCI is not enabled");
		assertThat(diagnosis.remedy()).contains("-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI")
			.contains("--upgrade-module-path=")
			.contains("org.graalvm.compiler:compiler")
			.contains("org.graalvm.truffle:truffle-compiler")
			.contains("all at version 25.0.3");
	}

	@Test
	void compilerFromTheJdkImageIsNotEnough() {
		JitDiagnosis diagnosis = JitDiagnosis.diagnose("Interpreted", JDK_25_0_3, "Temurin-25.0.3+9",
				"OpenJDK 64-Bit Server VM", true, new JitDiagnosis.CompilerModule(false, "25.0.3"));
		assertThat(diagnosis.reason()).contains("not on --upgrade-module-path");
		assertThat(diagnosis.remedy()).contains("all at version 25.0.3");
	}

	@Test
	void compilerNewerThanTheJdkIsRefused() {
		JitDiagnosis diagnosis = JitDiagnosis.diagnose("Interpreted", JDK_25_0_3, "Temurin-25.0.3+9",
				"OpenJDK 64-Bit Server VM", true, new JitDiagnosis.CompilerModule(true, "25.0.4"));
		assertThat(diagnosis.reason()).contains("version 25.0.4, newer than the JDK");
		assertThat(diagnosis.remedy()).contains("at version 25.0.3");
	}

	@Test
	void compilerVersionFollowsTheRunningJdkUpdate() {
		assertThat(JitDiagnosis.compilerVersionFor(Runtime.Version.parse("25.0.5+11"))).isEqualTo("25.0.5");
		assertThat(JitDiagnosis.compilerVersionFor(Runtime.Version.parse("25"))).isEqualTo("25.0.0");
	}

	@Test
	void graalVmJdkWithAnotherGraalJsVersionSaysSo() {
		JitDiagnosis diagnosis = JitDiagnosis.diagnose("Interpreted", JDK_25_0_3, "Oracle GraalVM 25.0.3+9.1",
				"Java HotSpot(TM) 64-Bit Server VM", true, null);
		assertThat(diagnosis.reason()).contains("is a GraalVM JDK");
		assertThat(diagnosis.remedy()).contains("GraalJS (org.graalvm.polyglot) version of this GraalVM JDK");
	}

	@Test
	void setUpButStillInterpretedPointsAtTruffle() {
		JitDiagnosis diagnosis = JitDiagnosis.diagnose("Interpreted", JDK_25_0_3, "Temurin-25.0.3+9",
				"OpenJDK 64-Bit Server VM", true, new JitDiagnosis.CompilerModule(true, "25.0.3"));
		assertThat(diagnosis.remedy()).contains("-Dpolyglot.engine.WarnInterpreterOnly=true");
	}

	@Test
	void messageSaysWhatItCostsAndHowToFailInstead() {
		JitDiagnosis diagnosis = new JitDiagnosis("Because.", "Do this.");
		assertThat(diagnosis.message()).contains("interpreter")
			.contains("Because. Do this.")
			.contains("worker-loader.require-jit=true");
	}

	@Test
	void runningJvmIsDiagnosedWithoutFailing() {
		JitDiagnosis diagnosis = JitDiagnosis.of("Interpreted");
		assertThat(diagnosis.reason()).contains("JDK " + Runtime.version());
		assertThat(diagnosis.remedy()).isNotBlank();
	}

}
