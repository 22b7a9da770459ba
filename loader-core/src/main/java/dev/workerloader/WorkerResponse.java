package dev.workerloader;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a worker's {@code fetch()} handler returned (issue 19): the status, headers and
 * body of its {@code Response}, as plain data.
 *
 * @param status the HTTP status
 * @param statusText the status text, often empty
 * @param headers header values by lower-case name
 * @param body the body bytes, empty when the response had none
 * @author Worker Loader team
 * @since 0.1.0
 */
public record WorkerResponse(int status, String statusText, Map<String, List<String>> headers, byte[] body) {

	public WorkerResponse {
		Objects.requireNonNull(statusText, "'statusText' must not be null");
		headers = Map.copyOf(headers);
		Objects.requireNonNull(body, "'body' must not be null");
	}

	/**
	 * Returns the first value of a header.
	 * @param name the header name, in any case
	 * @return the value, or {@code null}
	 */
	public @Nullable String header(String name) {
		List<String> values = this.headers.get(name.toLowerCase(java.util.Locale.ROOT));
		return (values != null && !values.isEmpty()) ? values.get(0) : null;
	}

	/**
	 * Returns the body as UTF-8 text.
	 * @return the text
	 */
	public String text() {
		return new String(this.body, StandardCharsets.UTF_8);
	}

}
