package dev.workerloader.sandbox;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;
import org.jspecify.annotations.Nullable;

/**
 * One GraalJS context with its module file system, console sink and guest runtime. Serves
 * exactly one worker and is never reused.
 *
 * @author Worker Loader team
 */
final class SandboxContext {

	private static final Log logger = LogFactory.getLog(SandboxContext.class);

	final Context context;

	final ModuleFileSystem fileSystem;

	final LogSink logSink;

	final Value runtime;

	final long statementLimit;

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile @Nullable Runnable onClose;

	SandboxContext(Context context, ModuleFileSystem fileSystem, LogSink logSink, Value runtime, long statementLimit) {
		this.context = context;
		this.fileSystem = fileSystem;
		this.logSink = logSink;
		this.runtime = runtime;
		this.statementLimit = statementLimit;
	}

	/**
	 * Closes the context, cancelling anything running in it. Never throws: a context that
	 * was cancelled or hit a limit throws from {@code close} as well.
	 */
	void close() {
		try {
			this.context.close(true);
		}
		catch (RuntimeException ex) {
			logger.trace("Sandbox context was already closed or cancelled", ex);
		}
		finally {
			Runnable callback = this.onClose;
			if (callback != null && this.closed.compareAndSet(false, true)) {
				callback.run();
			}
		}
	}

	/**
	 * Sets what to run once when the context is closed (the pool's count of open
	 * contexts).
	 * @param onClose the callback
	 */
	void onClose(Runnable onClose) {
		this.onClose = onClose;
	}

}
