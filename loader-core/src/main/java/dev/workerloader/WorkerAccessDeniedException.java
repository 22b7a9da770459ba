package dev.workerloader;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when guest code failed because the host refused one of its binding calls for the
 * caller: the bean's security advice (Spring Security's {@code @PreAuthorize}, a
 * {@link SecurityException}) denied the user on whose behalf the worker was called. The
 * guest saw an {@code AccessDeniedError} and did not handle it.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public class WorkerAccessDeniedException extends WorkerException {

	/**
	 * The name of the guest error a denied binding call throws.
	 */
	public static final String GUEST_ERROR_NAME = "AccessDeniedError";

	private static final long serialVersionUID = 1L;

	/**
	 * Creates a new exception.
	 * @param workerId the worker id
	 * @param guestMessage the message the guest saw: which binding method was denied
	 * @param guestStack the guest-only stack
	 */
	public WorkerAccessDeniedException(@Nullable String workerId, String guestMessage, String guestStack) {
		super(workerId, GUEST_ERROR_NAME, guestMessage, guestStack);
	}

}
