package dev.workerloader.sandbox;

import java.util.concurrent.CompletableFuture;

/**
 * Where a worker's {@code fetch()} goes when the worker runs in a worker host process
 * (issue 16): the request, as the guest shim wrote it, is relayed to the application,
 * whose egress rules (allowed hosts, outbound handlers, the subrequest budget) decide and
 * whose network is used; the host itself has none.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@FunctionalInterface
public interface FetchRelay {

	/**
	 * Relays one fetch.
	 * @param request the request as JSON
	 * @return the tagged reply: {@code R} and the response as JSON, or {@code E} and a
	 * message for the guest
	 */
	CompletableFuture<String> fetch(String request);

}
