package dev.workerloader.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.workerloader.Entrypoint;
import dev.workerloader.WorkerRequest;
import dev.workerloader.WorkerResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.RequestEntity;
import org.springframework.http.ResponseEntity;

/**
 * Lets a controller serve HTTP through a worker's {@code fetch(request, env, ctx)}
 * handler (issue 19):
 *
 * <pre class="code">
 * &#64;RequestMapping("/app/**")
 * ResponseEntity&lt;byte[]&gt; app(RequestEntity&lt;byte[]&gt; request) {
 *     return WorkerHttp.serve(this.worker.getEntrypoint(), request);
 * }
 * </pre>
 *
 * Hop-by-hop headers are dropped both ways; the worker never sees the servlet request or
 * any other host object, only a copy of the method, URL, headers and body. Stateless and
 * thread-safe.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class WorkerHttp {

	/** Connection-level headers, which belong to one hop and never cross a worker. */
	private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
			"proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "content-length");

	private WorkerHttp() {
	}

	/**
	 * Calls the entrypoint's {@code fetch} handler with the request and returns its
	 * response.
	 * @param entrypoint the worker's entrypoint
	 * @param request the HTTP request
	 * @return the worker's response
	 * @throws dev.workerloader.WorkerException if the handler fails
	 */
	public static ResponseEntity<byte[]> serve(Entrypoint entrypoint, RequestEntity<byte @Nullable []> request) {
		return toResponseEntity(entrypoint.fetch(toWorkerRequest(request)));
	}

	/**
	 * Copies a Spring request into a worker request.
	 * @param request the request
	 * @return the worker request
	 */
	public static WorkerRequest toWorkerRequest(RequestEntity<byte @Nullable []> request) {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		request.getHeaders().forEach((name, values) -> {
			String key = name.toLowerCase(Locale.ROOT);
			if (!HOP_BY_HOP.contains(key)) {
				headers.computeIfAbsent(key, (k) -> new ArrayList<>()).addAll(values);
			}
		});
		String method = (request.getMethod() != null) ? request.getMethod().name() : "GET";
		byte[] body = request.getBody();
		return new WorkerRequest(method, request.getUrl().toString(), headers,
				(body != null && body.length > 0) ? body : null);
	}

	/**
	 * Copies a worker response into a Spring response.
	 * @param response the worker response
	 * @return the Spring response
	 */
	public static ResponseEntity<byte[]> toResponseEntity(WorkerResponse response) {
		HttpHeaders headers = new HttpHeaders();
		response.headers().forEach((name, values) -> {
			if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
				values.forEach((value) -> headers.add(name, value));
			}
		});
		return ResponseEntity.status(response.status()).headers(headers).body(response.body());
	}

}
