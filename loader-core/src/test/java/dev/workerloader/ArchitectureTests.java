package dev.workerloader;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layering of the core that the build keeps (ARCHITECTURE.md, issue 14): GraalJS is
 * an implementation detail of the {@code sandbox} package, the core knows nothing of
 * Spring, and the feature packages form no cycles.
 *
 * @author Worker Loader team
 */
class ArchitectureTests {

	private static final JavaClasses CORE = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.workerloader");

	@Test
	void onlyTheSandboxPackageUsesGraalVm() {
		noClasses().that()
			.resideOutsideOfPackage("dev.workerloader.sandbox..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.graalvm..")
			.because("the API and every feature package stay free of engine types; only the sandbox talks to GraalJS")
			.check(CORE);
	}

	@Test
	void coreDoesNotUseSpring() {
		noClasses().should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework..")
			.because("loader-core must be usable from plain Java; Spring lives in loader-spring-boot-autoconfigure")
			.check(CORE);
	}

	@Test
	void theApiDoesNotDependOnTheEngine() {
		noClasses().that()
			.resideInAPackage("dev.workerloader")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.workerloader.sandbox..")
			.because("users program against the API; the engine is one implementation of it")
			.check(CORE);
	}

	@Test
	void featurePackagesAreFreeOfCycles() {
		slices().matching("dev.workerloader.(*)..").should().beFreeOfCycles().check(CORE);
	}

}
