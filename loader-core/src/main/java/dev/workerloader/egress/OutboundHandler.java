package dev.workerloader.egress;

import dev.workerloader.Worker;

/**
 * Decides what a worker's {@code fetch()} may reach, as the {@code globalOutbound} of
 * Cloudflare's loader: it sees every outbound request and may refuse it, rewrite it or
 * add headers (credentials the guest never sees).
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
@FunctionalInterface
public interface OutboundHandler {

	/**
	 * Handles one outbound request.
	 * @param request the request as the guest made it
	 * @return the request to send, possibly rewritten
	 * @throws SecurityException to refuse the request; its message reaches the guest
	 */
	OutboundRequest handle(OutboundRequest request);

}
