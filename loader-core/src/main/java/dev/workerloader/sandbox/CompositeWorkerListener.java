package dev.workerloader.sandbox;

import java.util.ArrayList;
import java.util.List;

import dev.workerloader.LogEntry;
import dev.workerloader.WorkerListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Calls every listener in order; a listener that throws is logged and never breaks the
 * worker or the other listeners.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class CompositeWorkerListener implements WorkerListener {

	private static final Log logger = LogFactory.getLog(CompositeWorkerListener.class);

	private final List<WorkerListener> listeners;

	/**
	 * Creates a listener that calls the given ones in order.
	 * @param listeners the listeners
	 */
	public CompositeWorkerListener(List<WorkerListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	@Override
	public void loaded(LoadEvent event) {
		for (WorkerListener listener : this.listeners) {
			try {
				listener.loaded(event);
			}
			catch (RuntimeException ex) {
				failed(listener, ex);
			}
		}
	}

	@Override
	public InvocationScope invocationStarted(InvocationStart start) {
		if (this.listeners.isEmpty()) {
			return InvocationScope.NOOP;
		}
		List<InvocationScope> scopes = new ArrayList<>(this.listeners.size());
		for (WorkerListener listener : this.listeners) {
			try {
				scopes.add(listener.invocationStarted(start));
			}
			catch (RuntimeException ex) {
				failed(listener, ex);
			}
		}
		return (end) -> {
			for (InvocationScope scope : scopes) {
				try {
					scope.finished(end);
				}
				catch (RuntimeException ex) {
					failed(scope, ex);
				}
			}
		};
	}

	@Override
	public HostCallScope hostCallStarted(HostCall call) {
		if (this.listeners.isEmpty()) {
			return HostCallScope.NOOP;
		}
		List<HostCallScope> scopes = new ArrayList<>(this.listeners.size());
		for (WorkerListener listener : this.listeners) {
			try {
				scopes.add(listener.hostCallStarted(call));
			}
			catch (RuntimeException ex) {
				failed(listener, ex);
			}
		}
		return new HostCallScope() {

			@Override
			public void returned() {
				// Reverse order: thread-bound scopes close as they were opened.
				for (int i = scopes.size() - 1; i >= 0; i--) {
					try {
						scopes.get(i).returned();
					}
					catch (RuntimeException ex) {
						failed(scopes.get(i), ex);
					}
				}
			}

			@Override
			public void finished(@Nullable String error) {
				for (HostCallScope scope : scopes) {
					try {
						scope.finished(error);
					}
					catch (RuntimeException ex) {
						failed(scope, ex);
					}
				}
			}

		};
	}

	@Override
	public void guestLog(String workerId, String policy, LogEntry entry) {
		for (WorkerListener listener : this.listeners) {
			try {
				listener.guestLog(workerId, policy, entry);
			}
			catch (RuntimeException ex) {
				failed(listener, ex);
			}
		}
	}

	private static void failed(Object listener, RuntimeException ex) {
		logger.warn("Worker listener " + listener.getClass().getName() + " failed", ex);
	}

}
