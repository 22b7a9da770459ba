package dev.workerloader.hostile;

import dev.workerloader.WorkerLoader;
import dev.workerloader.hostile.Hostile.Tier;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

/**
 * Base of the hostile classes that run on both tiers with the shared policy set of
 * {@link Hostile#loader(Tier)} (issue 16): one loader per class and tier, built before
 * the class's tests on that tier and closed after them. A subclass is annotated
 * {@code @ParameterizedClass} with {@code @MethodSource("...Hostile#loaderTiers")}.
 *
 * @author Worker Loader team
 */
abstract class BothTiers {

	/** The loader of the tier the tests run on now. */
	static WorkerLoader loader;

	/** The tier the tests run on now. */
	@Parameter
	Tier tier;

	@BeforeParameterizedClassInvocation
	static void startTierLoader(Tier tier) {
		loader = Hostile.loader(tier);
	}

	@AfterParameterizedClassInvocation
	static void stopTierLoader() {
		Hostile.close(loader);
	}

}
