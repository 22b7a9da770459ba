package dev.workerloader.sandbox;

import java.util.Map;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The caller's thread-local context, captured on the thread that calls a worker and
 * restored on the sandbox and fetch threads that run for it (issue 15): every
 * {@link io.micrometer.context.ThreadLocalAccessor} of the global {@link ContextRegistry}
 * (Spring Security's {@code SecurityContext}, the current Micrometer {@code Observation},
 * whatever the application registers) and the SLF4J MDC. Both libraries are optional:
 * without them nothing is captured.
 * <p>
 * Restoring clears what the snapshot does not hold ({@code clearMissing}), and closing
 * puts back what the thread had before, so a later guest on the same thread sees nothing
 * of this caller.
 *
 * @author Worker Loader team
 */
final class CallerContext {

	private static final boolean CONTEXT_PROPAGATION = present("io.micrometer.context.ContextSnapshotFactory");

	private static final boolean SLF4J = present("org.slf4j.MDC");

	/** Nothing to restore. */
	static final CallerContext NONE = new CallerContext(null, null);

	private static final Restored NOTHING = () -> {
	};

	private final @Nullable Object snapshot;

	private final @Nullable Map<String, String> mdc;

	private CallerContext(@Nullable Object snapshot, @Nullable Map<String, String> mdc) {
		this.snapshot = snapshot;
		this.mdc = mdc;
	}

	/**
	 * Captures the context of the current thread.
	 * @return the captured context
	 */
	static CallerContext capture() {
		Object snapshot = CONTEXT_PROPAGATION ? Snapshots.capture() : null;
		Map<String, String> mdc = (SLF4J && !(CONTEXT_PROPAGATION && Snapshots.carriesMdc())) ? Mdc.capture() : null;
		return (snapshot != null || mdc != null) ? new CallerContext(snapshot, mdc) : NONE;
	}

	/**
	 * Restores the context on the current thread until the returned scope is closed.
	 * @return the scope, closed on the same thread
	 */
	Restored restore() {
		if (this == NONE) {
			return NOTHING;
		}
		Restored mdcScope = (this.mdc != null) ? Mdc.restore(this.mdc) : NOTHING;
		Restored snapshotScope;
		try {
			snapshotScope = (this.snapshot != null) ? Snapshots.restore(this.snapshot) : NOTHING;
		}
		catch (RuntimeException ex) {
			mdcScope.close();
			throw ex;
		}
		return () -> {
			try {
				snapshotScope.close();
			}
			finally {
				mdcScope.close();
			}
		};
	}

	private static boolean present(String className) {
		try {
			Class.forName(className, false, CallerContext.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * A restored context; closing it puts back what the thread had.
	 */
	@FunctionalInterface
	interface Restored extends AutoCloseable {

		@Override
		void close();

	}

	/** Micrometer context-propagation, loaded only when it is on the class path. */
	private static final class Snapshots {

		private static final String MDC_KEY = "cp.slf4j";

		private static final ContextSnapshotFactory FACTORY = ContextSnapshotFactory.builder()
			.contextRegistry(ContextRegistry.getInstance())
			.clearMissing(true)
			.build();

		static Object capture() {
			return FACTORY.captureAll();
		}

		static boolean carriesMdc() {
			return ContextRegistry.getInstance()
				.getThreadLocalAccessors()
				.stream()
				.anyMatch((accessor) -> MDC_KEY.equals(accessor.key()));
		}

		static Restored restore(Object snapshot) {
			ContextSnapshot.Scope scope = ((ContextSnapshot) snapshot).setThreadLocals();
			return scope::close;
		}

	}

	/** The SLF4J MDC, loaded only when SLF4J is on the class path. */
	private static final class Mdc {

		static @Nullable Map<String, String> capture() {
			Map<String, String> copy = MDC.getCopyOfContextMap();
			return (copy != null) ? copy : Map.of();
		}

		static Restored restore(Map<String, String> mdc) {
			Map<String, String> previous = MDC.getCopyOfContextMap();
			MDC.setContextMap(mdc);
			return () -> {
				if (previous != null && !previous.isEmpty()) {
					MDC.setContextMap(previous);
				}
				else {
					MDC.clear();
				}
			};
		}

	}

}
