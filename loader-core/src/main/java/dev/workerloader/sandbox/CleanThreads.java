package dev.workerloader.sandbox;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates the loader's own threads (sandbox, fetch, reaper, watchdog, pool) so that they
 * carry nothing from the thread that happens to create them. Those threads are started
 * lazily, from request threads; a thread created the usual way copies the creator's
 * inheritable thread-locals (a {@code SecurityContext} in inheritable mode, an MDC, a
 * tenant id), which would then stick to the thread for every later guest (issue 12). The
 * threads are daemons, in no particular thread group, with the loader's class loader as
 * their context class loader.
 *
 * @author Worker Loader team
 */
public final class CleanThreads {

	private CleanThreads() {
	}

	/**
	 * Returns a factory of daemon threads named {@code prefix-1}, {@code prefix-2} and so
	 * on, that inherit no thread-locals.
	 * @param prefix the thread name prefix
	 * @param stackSize the stack size in bytes, or 0 for the JVM's default
	 * @return the thread factory
	 */
	public static ThreadFactory factory(String prefix, long stackSize) {
		AtomicInteger counter = new AtomicInteger();
		return (runnable) -> newThread(runnable, prefix + "-" + counter.incrementAndGet(), stackSize);
	}

	/**
	 * Returns a new, unstarted daemon thread that inherits no thread-locals.
	 * @param runnable what the thread runs
	 * @param name the thread name
	 * @param stackSize the stack size in bytes, or 0 for the JVM's default
	 * @return the thread
	 */
	public static Thread newThread(Runnable runnable, String name, long stackSize) {
		// The five-argument constructor (Java 9) is the release-17 way to say
		// inheritThreadLocals=false; Thread.Builder needs Java 21.
		Thread thread = new Thread(null, runnable, name, stackSize, false);
		thread.setDaemon(true);
		thread.setContextClassLoader(CleanThreads.class.getClassLoader());
		return thread;
	}

}
