package dev.workerloader;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a worker's code cannot be loaded or called as asked: a syntax error (with
 * module, line and column), a missing main module, an unknown import, a refused size or
 * shape, or no such entrypoint or method.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class WorkerLoadException extends WorkerException {

	private static final long serialVersionUID = 1L;

	private final @Nullable String module;

	private final int line;

	private final int column;

	/**
	 * Creates an exception without a source location.
	 * @param workerId the worker id
	 * @param message what went wrong and how to fix it
	 */
	public WorkerLoadException(@Nullable String workerId, String message) {
		this(workerId, "LoadError", message, null, -1, -1);
	}

	/**
	 * Creates an exception with a source location.
	 * @param workerId the worker id
	 * @param name the category, such as {@code SyntaxError}
	 * @param message what went wrong and how to fix it
	 * @param module the module name, if known
	 * @param line the 1-based line, or -1
	 * @param column the 1-based column, or -1
	 */
	public WorkerLoadException(@Nullable String workerId, String name, String message, @Nullable String module,
			int line, int column) {
		super(workerId, name, message);
		this.module = module;
		this.line = line;
		this.column = column;
	}

	/**
	 * Returns the module the problem is in, if known.
	 * @return the module name or {@code null}
	 */
	public @Nullable String getModule() {
		return this.module;
	}

	/**
	 * Returns the 1-based line of the problem, or -1.
	 * @return the line
	 */
	public int getLine() {
		return this.line;
	}

	/**
	 * Returns the 1-based column of the problem, or -1.
	 * @return the column
	 */
	public int getColumn() {
		return this.column;
	}

}
