package dev.workerloader.sandbox;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loader's threads carry nothing from the thread that creates them (issue 12): a
 * thread made by {@link CleanThreads} does not see the creator's inheritable
 * thread-locals, and no other main class creates a thread or a thread pool with the JDK's
 * inheriting default factory.
 */
class CleanThreadsTests {

	private static final InheritableThreadLocal<String> TENANT = new InheritableThreadLocal<>();

	@Test
	void aThreadOfTheFactoryDoesNotInheritThreadLocals() throws Exception {
		TENANT.set("tenant-a");
		try {
			CompletableFuture<String> plain = new CompletableFuture<>();
			Thread inheriting = new Thread(() -> plain.complete(String.valueOf(TENANT.get())));
			inheriting.start();
			// The control: a thread made the usual way does inherit it.
			assertThat(plain.get()).isEqualTo("tenant-a");
			CompletableFuture<String> clean = new CompletableFuture<>();
			Thread thread = CleanThreads.factory("test-clean", 0)
				.newThread(() -> clean.complete(String.valueOf(TENANT.get())));
			thread.start();
			assertThat(clean.get()).isEqualTo("null");
			assertThat(thread.isDaemon()).isTrue();
			assertThat(thread.getName()).isEqualTo("test-clean-1");
		}
		finally {
			TENANT.remove();
		}
	}

	@Test
	void onlyCleanThreadsCreatesThreads() {
		JavaClasses core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("dev.workerloader");
		noClasses().that()
			.doNotHaveFullyQualifiedName(CleanThreads.class.getName())
			.should()
			.callConstructorWhere(target(owner(assignableTo(Thread.class))))
			.because("threads created the usual way copy the creator's inheritable thread-locals (issue 12);"
					+ " use CleanThreads")
			.check(core);
		noClasses().should()
			.callMethod(Executors.class, "defaultThreadFactory")
			.orShould()
			.callMethod(Executors.class, "newCachedThreadPool")
			.orShould()
			.callMethod(Executors.class, "newFixedThreadPool", int.class)
			.orShould()
			.callMethod(Executors.class, "newSingleThreadExecutor")
			.orShould()
			.callMethod(Executors.class, "newScheduledThreadPool", int.class)
			.orShould()
			.callMethod(Executors.class, "newSingleThreadScheduledExecutor")
			.because("the JDK's default thread factory copies inheritable thread-locals (issue 12);"
					+ " pass CleanThreads.factory(...)")
			.check(core);
	}

}
