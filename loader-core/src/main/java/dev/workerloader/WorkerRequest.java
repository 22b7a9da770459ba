package dev.workerloader;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * An HTTP request handed to a worker's {@code fetch(request, env, ctx)} handler (issue
 * 19), where it arrives as a standard {@code Request}. Plain data: copied into the
 * sandbox, never shared with it.
 *
 * @param method the HTTP method
 * @param url the absolute URL the worker sees as {@code request.url}
 * @param headers header values by name
 * @param body the body, or {@code null} for none
 * @author Worker Loader team
 * @since 0.1.0
 */
public record WorkerRequest(String method, String url, Map<String, List<String>> headers, byte @Nullable [] body) {

	public WorkerRequest {
		Objects.requireNonNull(method, "'method' must not be null");
		Objects.requireNonNull(url, "'url' must not be null");
		headers = Map.copyOf(new LinkedHashMap<>((headers != null) ? headers : Map.of()));
	}

	/**
	 * A {@code GET} of {@code url} without headers.
	 * @param url the absolute URL
	 * @return the request
	 */
	public static WorkerRequest get(String url) {
		return new WorkerRequest("GET", url, Map.of(), null);
	}

	/**
	 * A request with a UTF-8 text body.
	 * @param method the HTTP method
	 * @param url the absolute URL
	 * @param contentType the content type of the body
	 * @param body the body text
	 * @return the request
	 */
	public static WorkerRequest of(String method, String url, String contentType, String body) {
		return new WorkerRequest(method, url, Map.of("content-type", List.of(contentType)),
				body.getBytes(StandardCharsets.UTF_8));
	}

}
