package dev.workerloader.policy;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Finds the policy a worker names. The Spring Boot auto-configuration provides one backed
 * by {@code worker-loader.policies.*}; implement it to load policies from elsewhere.
 * Implementations must be thread-safe.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public interface PolicyResolver {

	/**
	 * Returns the policy with the given name.
	 * @param name the policy name
	 * @return the policy, or {@code null} if there is none with that name
	 */
	@Nullable WorkerPolicy find(String name);

	/**
	 * Returns all policies, for diagnostics.
	 * @return the policies
	 */
	Collection<WorkerPolicy> policies();

	/**
	 * Returns a resolver over a fixed set of policies.
	 * @param policies the policies
	 * @return the resolver
	 */
	static PolicyResolver of(WorkerPolicy... policies) {
		Map<String, WorkerPolicy> byName = new LinkedHashMap<>();
		for (WorkerPolicy policy : policies) {
			byName.put(policy.name(), policy);
		}
		Map<String, WorkerPolicy> copy = java.util.Collections.unmodifiableMap(byName);
		return new PolicyResolver() {

			@Override
			public @Nullable WorkerPolicy find(String name) {
				return copy.get(name);
			}

			@Override
			public Collection<WorkerPolicy> policies() {
				return copy.values();
			}

		};
	}

}
