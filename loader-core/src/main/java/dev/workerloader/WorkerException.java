package dev.workerloader;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a worker fails. Used as is for an exception thrown by guest code: then
 * {@link #getName()} is the guest's error name ({@code TypeError}, {@code Error}...),
 * {@link #getGuestMessage()} its message and {@link #getGuestStack()} the guest-only
 * stack (module names as given, never host frames). Subclasses describe refusals by the
 * host.
 * <p>
 * Messages never contain script source, secrets or host stack traces.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class WorkerException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final @Nullable String workerId;

	private final String name;

	private final String guestMessage;

	private final String guestStack;

	private transient List<LogEntry> logs = List.of();

	/**
	 * Creates an exception for an error thrown by guest code.
	 * @param workerId the worker id
	 * @param name the guest error name, such as {@code TypeError}
	 * @param guestMessage the guest error message
	 * @param guestStack the guest-only stack, one frame per line
	 */
	public WorkerException(@Nullable String workerId, String name, String guestMessage, String guestStack) {
		super("Worker '" + workerId + "' threw " + name + ": " + guestMessage, null, false, false);
		this.workerId = workerId;
		this.name = name;
		this.guestMessage = guestMessage;
		this.guestStack = guestStack;
	}

	/**
	 * Creates an exception raised by the host about a worker.
	 * @param workerId the worker id, if known
	 * @param name a short category name
	 * @param message the message: what, which worker, why and how to allow it
	 */
	protected WorkerException(@Nullable String workerId, String name, String message) {
		super(message, null, false, false);
		this.workerId = workerId;
		this.name = name;
		this.guestMessage = message;
		this.guestStack = "";
	}

	/**
	 * Returns the id of the worker concerned, if known.
	 * @return the worker id or {@code null}
	 */
	public @Nullable String getWorkerId() {
		return this.workerId;
	}

	/**
	 * Returns the guest's error name ({@code TypeError}...) or the category of a host
	 * refusal.
	 * @return the error name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Returns the guest's error message, without the worker prefix.
	 * @return the guest message
	 */
	public String getGuestMessage() {
		return this.guestMessage;
	}

	/**
	 * Returns the guest-only stack, one frame per line, or an empty string.
	 * @return the guest stack
	 */
	public String getGuestStack() {
		return this.guestStack;
	}

	/**
	 * Returns the console output of the failed call, if any.
	 * @return the logs
	 */
	public List<LogEntry> getLogs() {
		return this.logs;
	}

	/**
	 * Attaches the console output of the failed call.
	 * @param logs the logs
	 * @return this exception
	 */
	public WorkerException withLogs(List<LogEntry> logs) {
		this.logs = List.copyOf(logs);
		return this;
	}

}
