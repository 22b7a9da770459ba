package dev.workerloader.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.workerloader.WorkerListener;
import dev.workerloader.egress.EgressGuard;
import dev.workerloader.egress.OutboundHandler;
import dev.workerloader.egress.OutboundLimits;
import dev.workerloader.egress.OutboundRequest;
import dev.workerloader.policy.WorkerPolicy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The rules and the network work of one worker's {@code fetch()}, wherever the worker
 * runs: in this JVM ({@link FetchHost}) or in a worker host process, whose fetches come
 * back to the application ({@link FetchGateway}, issue 16). It takes the request as JSON
 * and answers a tagged reply ({@code R} + the response as JSON, or {@code E} + a message
 * the shim throws as a {@code TypeError}).
 * <p>
 * Every hop, the first request and each redirect, goes through the same steps: the
 * subrequest budget of the invocation, the outbound handlers (which may refuse, rewrite
 * or add headers), the policy's allowed hosts, then DNS resolution by us and a check of
 * every resolved address. The request is then sent to the checked address itself (the URI
 * holds the IP literal; the {@code Host} header and TLS SNI name the original host, and
 * the JDK checks the server certificate against the SNI name), so the address that is
 * connected to is the one that was checked. The network work runs on the loader's fetch
 * threads.
 * <p>
 * Messages reaching the guest name the host and the rule, never header values or the URL
 * as rewritten by a handler, so credentials a handler injects stay on the host.
 *
 * @author Worker Loader team
 */
final class Egress {

	private static final Log logger = LogFactory.getLog(Egress.class);

	// A server that echoes an injected credential (in a header or the body) must not hand
	// it
	// to the guest: such values are replaced. Shorter values are too likely to be
	// ordinary text.
	private static final int MIN_REDACTED_LENGTH = 8;

	/** Headers a guest or handler may not set: the transport owns them. */
	private static final Set<String> FORBIDDEN = Set.of("host", "connection", "content-length", "expect", "upgrade",
			"transfer-encoding", "te", "trailer", "keep-alive", "proxy-authorization", "proxy-connection");

	private static final int MAX_REDIRECTS = 20;

	private final HostServices services;

	private final String workerId;

	private final Supplier<WorkerListener> listener;

	private final WorkerPolicy policy;

	private final List<OutboundHandler> handlers;

	private final EgressGuard guard;

	private final OutboundLimits limits;

	Egress(HostServices services, String workerId, Supplier<WorkerListener> listener, WorkerPolicy policy,
			List<OutboundHandler> handlers, EgressGuard guard) {
		this.services = services;
		this.workerId = workerId;
		this.listener = listener;
		this.policy = policy;
		this.handlers = List.copyOf(handlers);
		this.guard = guard;
		this.limits = policy.outboundLimits();
	}

	boolean networkEnabled() {
		return !this.handlers.isEmpty() || !this.guard.isEmpty();
	}

	/**
	 * Fetches for the guest: checks and parses the request, then runs every hop on a
	 * fetch thread, with the caller's context.
	 * @param json the request as the shim sent it
	 * @param outputLimit the worker's output limit, which also caps a request
	 * @param budget the subrequests of the running invocation
	 * @return the tagged reply; the future never completes exceptionally
	 */
	CompletableFuture<String> fetch(String json, long outputLimit, Budget budget) {
		Request request;
		try {
			request = parse(json, outputLimit);
		}
		catch (RefusedException ex) {
			return CompletableFuture.completedFuture("E" + ex.getMessage());
		}
		if (!networkEnabled()) {
			return CompletableFuture.completedFuture("E" + noNetwork(request.uri));
		}
		// The invocation's context (the caller's, and the invocation's observation) goes
		// with the fetch to its thread, around the outbound handlers too (issue 15).
		CallerContext context = CallerContext.capture();
		CompletableFuture<String> reply;
		try {
			reply = CompletableFuture.supplyAsync(() -> {
				CallerContext.Restored restored = context.restore();
				try {
					return perform(request, budget);
				}
				finally {
					restored.close();
				}
			}, this.services.fetchExecutor()).orTimeout(this.limits.timeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			return CompletableFuture.completedFuture("E" + "fetch('" + display(request.uri)
					+ "') was refused: the host is running too many fetches at once; try again later.");
		}
		return reply.handle((value, error) -> (error == null) ? value : "E" + failure(request, error));
	}

	/**
	 * Refuses a request bigger than a result may be, before it is parsed: a request body
	 * leaves the sandbox like a result, so the same cap applies, plus room for the URL
	 * and headers (issue 13).
	 * @param json the request
	 * @param outputLimit the worker's output limit
	 * @param policy the policy name
	 * @return the refusal, or {@code null}
	 */
	static @Nullable String tooLarge(String json, long outputLimit, String policy) {
		if (json.length() > outputLimit + 64 * 1024) {
			return "fetch() was given a request of " + json.length() + " characters, over the output limit of "
					+ outputLimit + " of policy '" + policy + "'. Send less, or raise "
					+ QuotaProperties.propertyFor(policy, dev.workerloader.QuotaKind.OUTPUT) + ".";
		}
		return null;
	}

	private Request parse(String json, long outputLimit) {
		String tooLarge = tooLarge(json, outputLimit, this.policy.name());
		if (tooLarge != null) {
			throw new RefusedException(tooLarge);
		}
		JsonNode node;
		try {
			node = this.services.codec().readTree(json);
		}
		catch (RuntimeException ex) {
			throw new RefusedException("fetch() was given a request it could not read.");
		}
		String url = node.path("url").asString("");
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (URISyntaxException ex) {
			throw new RefusedException("fetch() was given an invalid URL: '" + clip(url) + "'.");
		}
		checkScheme(uri, url);
		String method = node.path("method").asString("GET").toUpperCase(Locale.ROOT);
		if (!method.matches("[A-Z]{1,16}") || "CONNECT".equals(method) || "TRACE".equals(method)) {
			throw new RefusedException(
					"fetch('" + display(uri) + "') uses method '" + clip(method) + "', which is not allowed.");
		}
		Map<String, List<String>> headers = new LinkedHashMap<>();
		for (JsonNode pair : node.path("headers")) {
			String name = pair.path(0).asString("").toLowerCase(Locale.ROOT);
			if (!name.isEmpty() && !FORBIDDEN.contains(name) && !name.startsWith("proxy-")) {
				headers.computeIfAbsent(name, (k) -> new ArrayList<>()).add(pair.path(1).asString(""));
			}
		}
		JsonNode body = node.path("body");
		byte[] bytes = (body.isString()) ? body.asString().getBytes(StandardCharsets.UTF_8) : null;
		if (bytes != null && node.path("bodyBase64").asBoolean(false)) {
			// Issue 19: a binary body (ArrayBuffer, typed array, Blob) crosses as base64.
			try {
				bytes = java.util.Base64.getDecoder().decode(body.asString());
			}
			catch (IllegalArgumentException ex) {
				throw new RefusedException("fetch() was given a binary body that could not be decoded");
			}
		}
		String redirect = node.path("redirect").asString("follow");
		return new Request(uri, method, headers, bytes, redirect);
	}

	private static void checkScheme(URI uri, String url) {
		String scheme = uri.getScheme();
		if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
			throw new RefusedException("fetch() supports only http and https URLs, not '" + clip(url) + "'.");
		}
		if (uri.getHost() == null || uri.getRawUserInfo() != null) {
			throw new RefusedException("fetch() was given a URL without a valid host: '" + clip(url) + "'.");
		}
	}

	/** Runs every hop of one fetch, on a fetch thread. Returns the tagged reply. */
	private String perform(Request request, Budget budget) {
		long deadline = System.nanoTime() + this.limits.timeout().toNanos();
		URI current = request.uri;
		String method = request.method;
		byte[] body = request.body;
		Map<String, List<String>> headers = request.headers;
		for (int redirects = 0;; redirects++) {
			int used = budget.used.incrementAndGet();
			if (used > this.limits.maxRequests()) {
				throw refuse(current,
						"worker '" + this.workerId + "' already made " + this.limits.maxRequests()
								+ " subrequests in this invocation, the limit of policy '" + this.policy.name()
								+ "' (redirects count). If legitimate, raise " + property("max-requests") + ".");
			}
			WorkerListener.HostCallScope hop = this.listener.get()
				.hostCallStarted(new WorkerListener.HostCall(this.workerId, this.policy.name(),
						WorkerListener.HostCall.FETCH, hostPort(current), method));
			@Nullable String hopError = "host_error";
			OutboundRequest outbound;
			HttpResponse<byte[]> response;
			try {
				outbound = applyHandlers(new OutboundRequest(this.workerId, method, current, headers, body), current);
				URI target = outbound.uri();
				checkScheme(target, display(current));
				if (!this.guard.isEmpty() && !this.guard.allowsUrl(target)) {
					throw refuse(current,
							"policy '" + this.policy.name() + "' of worker '" + this.workerId
									+ "' does not allow host '" + hostPort(target) + "'. If intended, add it to "
									+ property("allowed-hosts") + ".");
				}
				InetAddress address = resolve(current, target);
				response = send(current, target, address, outbound, deadline);
				hopError = null;
			}
			catch (RefusedException ex) {
				hopError = "refused";
				throw ex;
			}
			finally {
				hop.returned();
				hop.finished(hopError);
			}
			int status = response.statusCode();
			String location = response.headers().firstValue("location").orElse(null);
			boolean redirect = (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
					&& location != null;
			if (!redirect || "manual".equals(request.redirect)) {
				Set<String> injected = injectedValues(headers, outbound.headers());
				return "R" + this.services.codec().toJson(reply(current, response, redirects > 0, injected));
			}
			if ("error".equals(request.redirect)) {
				throw new RefusedException(
						"fetch('" + display(request.uri) + "') was redirected, and its redirect" + " mode is 'error'.");
			}
			if (redirects >= MAX_REDIRECTS) {
				throw new RefusedException(
						"fetch('" + display(request.uri) + "') was redirected more than " + MAX_REDIRECTS + " times.");
			}
			URI next;
			try {
				// Resolve against the URL the guest asked for, not the one a handler
				// rewrote:
				// the guest never learns what the handler changed.
				next = current.resolve(new URI(location));
			}
			catch (URISyntaxException | IllegalArgumentException ex) {
				throw new RefusedException("fetch('" + display(request.uri) + "') was redirected to an invalid URL.");
			}
			if (status == 303 || ((status == 301 || status == 302) && "POST".equals(method))) {
				method = "GET";
				body = null;
			}
			if (!sameOrigin(current, next)) {
				// As browsers do: credentials the guest set do not follow a cross-origin
				// redirect.
				headers = new LinkedHashMap<>(headers);
				headers.remove("authorization");
				headers.remove("cookie");
			}
			current = next;
		}
	}

	private OutboundRequest applyHandlers(OutboundRequest request, URI shown) {
		OutboundRequest current = request;
		for (OutboundHandler handler : this.handlers) {
			try {
				current = handler.handle(current);
			}
			catch (SecurityException ex) {
				String why = (ex.getMessage() != null) ? clip(ex.getMessage()) : "no reason given";
				throw refuse(shown, "the outbound handler of policy '" + this.policy.name() + "' refused it: " + why);
			}
			catch (RuntimeException ex) {
				String reference = UUID.randomUUID().toString().substring(0, 8);
				// The exception's message may carry a credential: log its type only.
				logger.warn("The outbound handler failed for a fetch of worker '" + this.workerId + "' (reference "
						+ reference + "): " + ex.getClass().getName());
				throw new RefusedException("fetch('" + display(shown) + "') failed on the host (reference " + reference
						+ "; details are in the host log).");
			}
			if (current == null) {
				throw refuse(shown, "the outbound handler of policy '" + this.policy.name() + "' returned no request.");
			}
		}
		return current;
	}

	private InetAddress resolve(URI shown, URI target) {
		String host = EgressGuard.normalizeHost(target.getHost());
		String refusedName = this.guard.refuseName(host);
		if (refusedName != null) {
			throw refuse(shown, refusedName + ", which workers may not reach.");
		}
		InetAddress[] addresses;
		try {
			addresses = NetworkAccess.current().resolve(host);
		}
		catch (UnknownHostException ex) {
			addresses = new InetAddress[0];
		}
		if (addresses.length == 0) {
			throw new RefusedException(
					"fetch('" + display(shown) + "') failed: host '" + host + "' could not be resolved.");
		}
		// Every answer is checked, not only the one used: a name with one public and one
		// internal address is refused as a whole.
		for (InetAddress address : addresses) {
			String kind = this.guard.refuseAddress(address);
			if (kind != null) {
				throw refuse(shown,
						"host '" + host + "' resolves to " + address.getHostAddress() + ", " + kind
								+ ", which workers may not reach. If intended, list '" + address.getHostAddress()
								+ "' in " + property("allowed-hosts") + ".");
			}
		}
		return addresses[0];
	}

	private HttpResponse<byte[]> send(URI shown, URI target, InetAddress address, OutboundRequest outbound,
			long deadline) {
		long remaining = deadline - System.nanoTime();
		if (remaining <= 0) {
			throw new CompletionException(new TimeoutException());
		}
		String literal = address.getHostAddress();
		if (literal.contains(":")) {
			literal = "[" + literal.replaceAll("%.*$", "") + "]";
		}
		int port = EgressGuard.effectivePort(target);
		String path = (target.getRawPath() == null || target.getRawPath().isEmpty()) ? "/" : target.getRawPath();
		String query = (target.getRawQuery() != null) ? "?" + target.getRawQuery() : "";
		URI pinned = URI
			.create(target.getScheme().toLowerCase(Locale.ROOT) + "://" + literal + ":" + port + path + query);
		byte[] body = outbound.body();
		HttpRequest.Builder builder = HttpRequest.newBuilder(pinned)
			.timeout(Duration.ofNanos(remaining))
			.method(outbound.method(), (body != null) ? HttpRequest.BodyPublishers.ofByteArray(body)
					: HttpRequest.BodyPublishers.noBody());
		outbound.headers().forEach((name, values) -> {
			String lower = name.toLowerCase(Locale.ROOT);
			if (!FORBIDDEN.contains(lower) && !lower.startsWith("proxy-")) {
				for (String value : values) {
					try {
						builder.header(name, value);
					}
					catch (IllegalArgumentException ex) {
						// A header the JDK client does not accept: left out, value not
						// logged.
						logger.debug("Left out header '" + name + "' of a fetch of worker '" + this.workerId + "'");
					}
				}
			}
		});
		builder.header("Host", hostHeader(target));
		HttpClient client = this.services.httpClient(target);
		try {
			// The last step before the connection, to exactly the address checked above.
			NetworkAccess.current().beforeConnect(pinned, address, port);
			return client.send(builder.build(), (info) -> new BoundedBody(this.limits.maxResponseSize(),
					info.headers().firstValueAsLong("content-length").orElse(-1)));
		}
		catch (HttpTimeoutException ex) {
			throw new CompletionException(new TimeoutException());
		}
		catch (IOException ex) {
			if (causedBy(ex, ResponseTooLargeException.class)) {
				throw new RefusedException("fetch('" + display(shown) + "') was refused: the response is larger than "
						+ this.limits.maxResponseSize() + " bytes, the limit of policy '" + this.policy.name()
						+ "'. If legitimate, raise " + property("max-response-size") + ".");
			}
			throw new RefusedException("fetch('" + display(shown) + "') failed: could not connect to or read from '"
					+ hostPort(target) + "'.");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RefusedException("fetch('" + display(shown) + "') was interrupted.");
		}
		catch (IllegalArgumentException ex) {
			throw new RefusedException("fetch('" + display(shown) + "') could not be sent: the request is not valid.");
		}
	}

	/**
	 * The header values an outbound handler added or changed: credentials the guest must
	 * not see, even when a server echoes them back.
	 */
	private static Set<String> injectedValues(Map<String, List<String>> fromGuest, Map<String, List<String>> sent) {
		Set<String> injected = new java.util.HashSet<>();
		sent.forEach((name, values) -> {
			List<String> guestValues = fromGuest.getOrDefault(name, List.of());
			for (String value : values) {
				if (!guestValues.contains(value) && value.length() >= MIN_REDACTED_LENGTH) {
					injected.add(value);
					// "Bearer <token>": the token alone may be echoed too.
					int space = value.indexOf(' ');
					if (space > 0 && value.length() - space - 1 >= MIN_REDACTED_LENGTH) {
						injected.add(value.substring(space + 1));
					}
				}
			}
		});
		return injected;
	}

	private Map<String, Object> reply(URI url, HttpResponse<byte[]> response, boolean redirected,
			Set<String> injectedValues) {
		// The same pipeline as the policy's secrets (issue 12).
		Redactor injected = Redactor.of(injectedValues, MIN_REDACTED_LENGTH);
		List<List<String>> headers = new ArrayList<>();
		response.headers().map().forEach((name, values) -> {
			if (!name.startsWith(":")) {
				for (String value : values) {
					headers.add(List.of(name.toLowerCase(Locale.ROOT), injected.redact(value)));
				}
			}
		});
		String contentType = response.headers().firstValue("content-type").orElse("");
		Map<String, Object> reply = new LinkedHashMap<>();
		reply.put("status", response.statusCode());
		reply.put("url", url.toString());
		reply.put("redirected", redirected);
		reply.put("headers", headers);
		if (isText(contentType)) {
			reply.put("body", injected.redact(new String(response.body(), charset(contentType))));
		}
		else {
			// Binary bodies cross as base64, byte for byte (issue 19). An injected
			// credential a careless server echoes is still redacted: ISO-8859-1 maps
			// each byte to one character and back.
			String bytes = injected.redact(new String(response.body(), StandardCharsets.ISO_8859_1));
			reply.put("bodyBase64", Base64.getEncoder().encodeToString(bytes.getBytes(StandardCharsets.ISO_8859_1)));
		}
		return reply;
	}

	/**
	 * Whether a response of {@code contentType} is text, decoded for the guest; anything
	 * else (images, archives, {@code application/octet-stream}) crosses as bytes.
	 */
	static boolean isText(String contentType) {
		String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
		return type.isEmpty() || type.startsWith("text/") || type.endsWith("+json") || type.endsWith("+xml")
				|| type.equals("application/json") || type.equals("application/xml")
				|| type.equals("application/javascript") || type.equals("application/x-www-form-urlencoded")
				|| type.equals("application/graphql") || type.equals("application/x-ndjson");
	}

	private static Charset charset(String contentType) {
		for (String part : contentType.split(";")) {
			String trimmed = part.trim();
			if (trimmed.regionMatches(true, 0, "charset=", 0, 8)) {
				try {
					return Charset.forName(trimmed.substring(8).replace("\"", "").trim());
				}
				catch (RuntimeException ex) {
					return StandardCharsets.UTF_8;
				}
			}
		}
		return StandardCharsets.UTF_8;
	}

	private String failure(Request request, Throwable error) {
		Throwable cause = error;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof RefusedException) {
			return cause.getMessage();
		}
		if (cause instanceof TimeoutException) {
			return "fetch('" + display(request.uri) + "') timed out after " + this.limits.timeout().toMillis()
					+ " ms, the limit of policy '" + this.policy.name() + "'. If legitimate, raise "
					+ property("timeout") + ".";
		}
		String reference = UUID.randomUUID().toString().substring(0, 8);
		logger.warn("A fetch of worker '" + this.workerId + "' failed on the host (reference " + reference + "): "
				+ cause.getClass().getName());
		return "fetch('" + display(request.uri) + "') failed on the host (reference " + reference
				+ "; details are in the host log).";
	}

	private RefusedException refuse(URI shown, String why) {
		if (logger.isDebugEnabled()) {
			logger.debug("Refused a fetch of worker '" + this.workerId + "' (policy '" + this.policy.name()
					+ "') to host '" + hostPort(shown) + "'");
		}
		return new RefusedException("fetch('" + display(shown) + "') was refused: " + why);
	}

	private String noNetwork(URI uri) {
		return "Worker '" + this.workerId + "' has no network access: fetch('" + display(uri) + "') was refused"
				+ " because it has no globalOutbound handler and policy '" + this.policy.name() + "' allows no hosts."
				+ " Workers get their capabilities through env bindings; if this worker must reach the network,"
				+ " list the hosts in " + property("allowed-hosts") + ".";
	}

	private String property(String name) {
		return QuotaProperties.POLICIES + this.policy.name() + ".outbound." + name;
	}

	/**
	 * The URL as shown to the guest: without query and fragment, which may hold tokens.
	 */
	private static String display(URI uri) {
		String scheme = (uri.getScheme() != null) ? uri.getScheme() + "://" : "";
		String host = (uri.getHost() != null) ? uri.getHost() : "";
		String port = (uri.getPort() != -1) ? ":" + uri.getPort() : "";
		String path = (uri.getRawPath() != null) ? uri.getRawPath() : "";
		return clip(scheme + host + port + path);
	}

	private static String hostPort(URI uri) {
		return EgressGuard.normalizeHost(uri.getHost()) + ":" + EgressGuard.effectivePort(uri);
	}

	private static String hostHeader(URI uri) {
		String host = uri.getHost();
		int port = uri.getPort();
		boolean defaultPort = port == -1 || (port == 443 && "https".equalsIgnoreCase(uri.getScheme()))
				|| (port == 80 && "http".equalsIgnoreCase(uri.getScheme()));
		return defaultPort ? host : host + ":" + port;
	}

	private static boolean sameOrigin(URI a, URI b) {
		return a.getScheme().equalsIgnoreCase(b.getScheme())
				&& EgressGuard.normalizeHost(a.getHost()).equals(EgressGuard.normalizeHost(b.getHost()))
				&& EgressGuard.effectivePort(a) == EgressGuard.effectivePort(b);
	}

	private static String clip(String text) {
		return (text.length() > 200) ? text.substring(0, 200) + "..." : text;
	}

	private static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable current = ex; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return true;
			}
		}
		return false;
	}

	private record Request(URI uri, String method, Map<String, List<String>> headers, byte @Nullable [] body,
			String redirect) {
	}

	/** Subrequests made in one invocation; hops run on fetch threads. */
	static final class Budget {

		final AtomicInteger used = new AtomicInteger();

	}

	/** A refusal whose message is meant for the guest. */
	static final class RefusedException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		RefusedException(String message) {
			super(message, null, false, false);
		}

	}

	private static final class ResponseTooLargeException extends IOException {

		private static final long serialVersionUID = 1L;

		ResponseTooLargeException() {
			super("response too large", null);
		}

	}

	/** Collects a response body, failing as soon as it grows past the limit. */
	private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

		private final long limit;

		private final long declared;

		private final CompletableFuture<byte[]> result = new CompletableFuture<>();

		private final ByteArrayOutputStream out = new ByteArrayOutputStream();

		private Flow.@Nullable Subscription subscription;

		BoundedBody(long limit, long declared) {
			this.limit = limit;
			this.declared = declared;
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription = subscription;
			if (this.declared > this.limit) {
				subscription.cancel();
				this.result.completeExceptionally(new ResponseTooLargeException());
				return;
			}
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(List<ByteBuffer> items) {
			if (this.result.isDone()) {
				return;
			}
			for (ByteBuffer item : items) {
				if (this.out.size() + (long) item.remaining() > this.limit) {
					Flow.Subscription current = this.subscription;
					if (current != null) {
						current.cancel();
					}
					this.result.completeExceptionally(new ResponseTooLargeException());
					return;
				}
				byte[] bytes = new byte[item.remaining()];
				item.get(bytes);
				this.out.write(bytes, 0, bytes.length);
			}
		}

		@Override
		public void onError(Throwable throwable) {
			this.result.completeExceptionally(throwable);
		}

		@Override
		public void onComplete() {
			this.result.complete(this.out.toByteArray());
		}

		@Override
		public java.util.concurrent.CompletionStage<byte[]> getBody() {
			return this.result;
		}

	}

}
