package dev.workerloader.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoadException;
import dev.workerloader.binding.ExposedBinding;
import dev.workerloader.binding.PerWorkerBinding;
import dev.workerloader.egress.EgressGuard;
import dev.workerloader.egress.OutboundHandler;
import dev.workerloader.policy.WorkerPolicy;
import dev.workerloader.ratelimit.ClientRateLimiter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * What issue 6 adds to every worker, kept out of the loader's own classes: the guest's
 * {@code fetch()} ({@link FetchHost}), per-client rate limits on loads and calls, and
 * bindings scoped to the worker (KV). The loader calls it at three points: before a load,
 * when a worker's sandbox is created, and before each call. Thread-safe.
 *
 * @author Worker Loader team
 */
final class HostServices implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(HostServices.class);

	static {
		// The request goes to the checked IP literal, so the Host header must be set by
		// us.
		// The JDK client reads this property once, when its classes initialise.
		String allowed = System.getProperty("jdk.httpclient.allowRestrictedHeaders", "");
		if (!allowed.toLowerCase(java.util.Locale.ROOT).matches("(.*,)?\\s*host\\s*(,.*)?")) {
			System.setProperty("jdk.httpclient.allowRestrictedHeaders", allowed.isBlank() ? "host" : allowed + ",host");
		}
	}

	private final Function<String, @Nullable OutboundHandler> handlerBeans;

	private final ClientRateLimiter rateLimiter;

	private final ValueCodec codec;

	private final Map<String, EgressGuard> guards = new java.util.concurrent.ConcurrentHashMap<>();

	private final ThreadPoolExecutor fetchExecutor;

	private final HttpClient plainClient;

	/** In a worker host: gives the relay of the worker being loaded (issue 16). */
	private final java.util.function.@Nullable Supplier<@Nullable FetchRelay> relays;

	private final Cache<String, HttpClient> tlsClients = Caffeine.newBuilder().maximumSize(256).build();

	HostServices(Function<String, @Nullable OutboundHandler> handlerBeans, ClientRateLimiter rateLimiter,
			ValueCodec codec, int fetchThreads, java.util.function.@Nullable Supplier<@Nullable FetchRelay> relays) {
		this.handlerBeans = handlerBeans;
		this.relays = relays;
		this.rateLimiter = rateLimiter;
		this.codec = codec;
		this.fetchExecutor = new ThreadPoolExecutor(fetchThreads, fetchThreads, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(1024), CleanThreads.factory("worker-loader-fetch", 0));
		this.fetchExecutor.allowCoreThreadTimeOut(true);
		this.plainClient = newClient(null);
		checkHostHeaderAllowed();
	}

	private static void checkHostHeaderAllowed() {
		try {
			java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).header("Host", "example.com");
		}
		catch (IllegalArgumentException ex) {
			logger.warn("fetch() cannot pin connections: the JDK HTTP client was initialised before Worker Loader and"
					+ " refuses the Host header, so fetches to named hosts will fail. Start the JVM with"
					+ " -Djdk.httpclient.allowRestrictedHeaders=host.");
		}
	}

	ClientRateLimiter rateLimiter() {
		return this.rateLimiter;
	}

	ValueCodec codec() {
		return this.codec;
	}

	ExecutorService fetchExecutor() {
		return this.fetchExecutor;
	}

	/**
	 * Before a load: the client's rate limit, on the caller's thread.
	 */
	void beforeLoad(String workerId, @Nullable String clientId, WorkerPolicy policy) {
		this.rateLimiter.acquire(workerId, policy, clientId, "load");
	}

	/**
	 * When the sandbox exists, before the worker's modules run: installs {@code fetch()}.
	 * Runs on the loading thread, which is the only one touching the context then. In a
	 * worker host process every fetch is relayed to the application (issue 16).
	 */
	void attach(SandboxWorker worker, WorkerCode code, WorkerPolicy policy) {
		java.util.function.Supplier<@Nullable FetchRelay> relays = this.relays;
		FetchRelay relay = (relays != null) ? relays.get() : null;
		FetchHost fetch = (relay != null) ? new FetchHost(worker, relay)
				: new FetchHost(worker, egress(worker.id(), code, policy, worker::listener));
		worker.runtime().invokeMember("installFetch", fetch);
	}

	/**
	 * The egress of one worker: the code's global outbound handler, then the policy's
	 * (the administrator's rules have the final word), and the policy's allowed hosts.
	 */
	Egress egress(String workerId, WorkerCode code, WorkerPolicy policy,
			java.util.function.Supplier<dev.workerloader.WorkerListener> listener) {
		List<OutboundHandler> handlers = new ArrayList<>();
		if (code.globalOutbound() != null) {
			handlers.add(code.globalOutbound());
		}
		String beanName = policy.outboundHandler();
		if (beanName != null) {
			OutboundHandler bean = this.handlerBeans.apply(beanName);
			if (bean == null) {
				throw new WorkerLoadException(workerId,
						"Worker '" + workerId + "' runs under policy '" + policy.name() + "', whose outbound handler '"
								+ beanName + "' is not available. Define an" + " OutboundHandler bean named '"
								+ beanName + "', or remove " + QuotaProperties.POLICIES + policy.name()
								+ ".outbound.handler.");
			}
			handlers.add(bean);
		}
		EgressGuard guard = this.guards.computeIfAbsent(policy.name() + "\u0000" + policy.allowedHosts(),
				(key) -> EgressGuard.of(policy.allowedHosts()));
		return new Egress(this, workerId, listener, policy, handlers, guard);
	}

	/**
	 * Before a call: the client's rate limit, on the caller's thread.
	 */
	void beforeCall(SandboxWorker worker, WorkerPolicy policy) {
		// The client the code names; otherwise whoever calls now (a kept worker is
		// shared).
		this.rateLimiter.acquire(worker.id(), policy, worker.namedClientId(), "call");
	}

	/**
	 * Gives a binding that is scoped per worker (such as KV) the instance for this
	 * worker.
	 */
	static ExposedBinding scope(ExposedBinding binding, String workerId) {
		if (!(binding.target() instanceof PerWorkerBinding perWorker)) {
			return binding;
		}
		Object scoped;
		try {
			scoped = perWorker.forWorker(workerId);
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			throw new WorkerLoadException(workerId,
					"Worker '" + workerId + "' cannot have binding '" + binding.name() + "': " + ex.getMessage());
		}
		Class<?> type = binding.exposedType().isInterface() ? binding.exposedType() : null;
		return ExposedBinding.of(binding.name(), scoped, type);
	}

	HttpClient httpClient(URI target) {
		String host = EgressGuard.normalizeHost(target.getHost());
		if (!"https".equalsIgnoreCase(target.getScheme()) || host.contains(":") || host.matches("[0-9.]+")) {
			return this.plainClient;
		}
		return this.tlsClients.get(host, HostServices::newClient);
	}

	/**
	 * A client that never follows redirects (each hop is checked by us) and speaks
	 * HTTP/1.1, whose Host header we set; for TLS, the SNI name is the original host and
	 * the JDK checks the certificate against it although the URI holds the IP.
	 */
	private static HttpClient newClient(@Nullable String sniHost) {
		HttpClient.Builder builder = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.followRedirects(HttpClient.Redirect.NEVER)
			.proxy(java.net.ProxySelector.of(null));
		if (sniHost != null) {
			try {
				SSLParameters parameters = SSLContext.getDefault().getDefaultSSLParameters();
				parameters.setServerNames(List.of(new SNIHostName(sniHost)));
				builder.sslParameters(parameters);
			}
			catch (java.security.NoSuchAlgorithmException | IllegalArgumentException ex) {
				throw new IllegalStateException("TLS is not available for '" + sniHost + "'", ex);
			}
		}
		return builder.build();
	}

	@Override
	public void close() {
		this.fetchExecutor.shutdownNow();
	}

}
