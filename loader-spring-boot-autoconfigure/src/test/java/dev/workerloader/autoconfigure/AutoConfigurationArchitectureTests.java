package dev.workerloader.autoconfigure;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Nothing depends on the auto-configuration package (ARCHITECTURE.md, issue 14): it wires
 * the rest together and can be replaced by a user's own configuration.
 *
 * @author Worker Loader team
 */
class AutoConfigurationArchitectureTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.workerloader");

	@Test
	void nothingDependsOnTheAutoConfigurationPackage() {
		noClasses().that()
			.resideOutsideOfPackage("dev.workerloader.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.workerloader.autoconfigure..")
			.because("the auto-configuration wires the library; the library never reaches back into it")
			.check(CLASSES);
	}

	@Test
	void onlyTheSandboxPackageUsesGraalVm() {
		noClasses().that()
			.resideOutsideOfPackage("dev.workerloader.sandbox..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.graalvm..")
			.because("the auto-configuration talks to the WorkerLoader API, never to the engine's types")
			.check(CLASSES);
	}

}
