package dev.workerloader.egress;

import java.net.URI;
import java.util.List;
import java.util.Map;

import dev.workerloader.Worker;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP request a worker wants to send with {@code fetch()}.
 *
 * @param workerId the worker making the request
 * @param method the HTTP method
 * @param uri the target
 * @param headers the headers, by lower-case name
 * @param body the body, if any
 * @author Worker Loader team
 * @since 0.1.0
 */
public record OutboundRequest(String workerId, String method, URI uri, Map<String, List<String>> headers,
		byte @Nullable [] body) {

	public OutboundRequest {
		headers = Map.copyOf(headers);
	}

	/**
	 * Returns a copy with one more header value, the usual way to inject a credential.
	 * @param name the header name
	 * @param value the value
	 * @return the new request
	 */
	public OutboundRequest withHeader(String name, String value) {
		var copy = new java.util.LinkedHashMap<>(this.headers);
		copy.put(name.toLowerCase(java.util.Locale.ROOT), List.of(value));
		return new OutboundRequest(this.workerId, this.method, this.uri, copy, this.body);
	}

}
