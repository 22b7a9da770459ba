package dev.workerloader.binding;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Finds the bindings that {@code WorkerCode.builder().env("NAME")} refers to by name. The
 * Spring Boot auto-configuration provides one over beans annotated
 * {@link dev.workerloader.WorkerBinding} and {@code worker-loader.bindings.*}.
 * Implementations must be thread-safe.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public interface BindingProvider {

	/**
	 * A provider without bindings.
	 */
	BindingProvider NONE = new BindingProvider() {

		@Override
		public @Nullable ExposedBinding find(String name) {
			return null;
		}

		@Override
		public Set<String> names() {
			return Set.of();
		}

	};

	/**
	 * Returns a provider over a fixed set of bindings, for use without Spring.
	 * @param bindings the bindings, by their names
	 * @return the provider
	 */
	static BindingProvider of(ExposedBinding... bindings) {
		java.util.Map<String, ExposedBinding> byName = new java.util.LinkedHashMap<>();
		for (ExposedBinding binding : bindings) {
			byName.put(binding.name(), binding);
		}
		java.util.Map<String, ExposedBinding> copy = java.util.Collections.unmodifiableMap(byName);
		return new BindingProvider() {

			@Override
			public @Nullable ExposedBinding find(String name) {
				return copy.get(name);
			}

			@Override
			public Set<String> names() {
				return copy.keySet();
			}

		};
	}

	/**
	 * Returns the binding registered under {@code name}.
	 * @param name the binding name
	 * @return the binding, or {@code null}
	 */
	@Nullable ExposedBinding find(String name);

	/**
	 * Returns the names of all registered bindings.
	 * @return the names
	 */
	Set<String> names();

}
