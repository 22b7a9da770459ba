package dev.workerloader.sandbox;

import dev.workerloader.QuotaKind;

/**
 * Names the configuration property behind each limit, for messages that say how to allow
 * what was refused.
 *
 * @author Worker Loader team
 */
final class QuotaProperties {

	static final String POLICIES = "worker-loader.policies.";

	/**
	 * The property of the JVM heap guard threshold ({@code Builder.heapGuardThreshold}).
	 */
	static final String HEAP_GUARD_THRESHOLD = "worker-loader.sandbox.heap-guard-threshold";

	private QuotaProperties() {
	}

	static String propertyFor(String policy, QuotaKind kind) {
		return limit(policy, switch (kind) {
			case CPU_TIME -> "cpu-time";
			case WALL_TIME -> "wall-time";
			case MEMORY -> "memory";
			case OUTPUT -> "output";
			case STATEMENTS -> "statements";
		});
	}

	static String limit(String policy, String limit) {
		return POLICIES + policy + ".limits." + limit;
	}

}
