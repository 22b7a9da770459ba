package dev.workerloader.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

import dev.workerloader.Worker;
import dev.workerloader.WorkerAccessDeniedException;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerListener;
import dev.workerloader.binding.BindingProvider;
import dev.workerloader.binding.ExposedBinding;
import dev.workerloader.egress.OutboundHandler;
import dev.workerloader.metrics.ObservationWorkerListener;
import dev.workerloader.metrics.WorkerHostCallContext;
import dev.workerloader.metrics.WorkerInvocationContext;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The caller's context crosses the sandbox thread hop (issue 15), with real GraalJS
 * sandboxes: a thread local registered with Micrometer's {@link ContextRegistry} (as
 * Spring Security registers its {@code SecurityContext}), the MDC and the current
 * observation reach guest code, binding calls and outbound handlers on the sandbox and
 * fetch threads, and nothing of one caller stays on those threads for the next.
 */
class CallerContextTests {

	private static final String KEY = "workerloader.test.user";

	private static final ThreadLocal<String> USER = new ThreadLocal<>();

	private static final ObservationRegistry observations = ObservationRegistry.create();

	private static final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

	private static final List<String> handlerSaw = new CopyOnWriteArrayList<>();

	private static EgressTestServer server;

	private static GraalWorkerLoader loader;

	private static ExecutorService callers;

	/** What a binding exposes: who is calling, and a refusal for everyone but alice. */
	public interface Who {

		String user();

		String mdc();

		String thread();

		CompletableFuture<String> later();

		String adminOnly();

		CompletableFuture<String> adminLater();

	}

	public static class WhoBinding implements Who {

		@Override
		public String user() {
			return String.valueOf(USER.get());
		}

		@Override
		public String mdc() {
			return String.valueOf(MDC.get("requestId"));
		}

		@Override
		public String thread() {
			return Thread.currentThread().getName();
		}

		@Override
		public CompletableFuture<String> later() {
			String user = String.valueOf(USER.get());
			return CompletableFuture.supplyAsync(() -> "later:" + user);
		}

		@Override
		public String adminOnly() {
			if (!"alice".equals(USER.get())) {
				throw new SecurityException("only alice");
			}
			return "granted to alice";
		}

		@Override
		public CompletableFuture<String> adminLater() {
			boolean alice = "alice".equals(USER.get());
			return CompletableFuture.supplyAsync(() -> {
				if (!alice) {
					throw new SecurityException("only alice");
				}
				return "later for alice";
			});
		}

	}

	@BeforeAll
	static void start() throws Exception {
		ContextRegistry.getInstance().registerThreadLocalAccessor(new ThreadLocalAccessor<String>() {

			@Override
			public Object key() {
				return KEY;
			}

			@Override
			public @Nullable String getValue() {
				return USER.get();
			}

			@Override
			public void setValue(String value) {
				USER.set(value);
			}

			@Override
			public void setValue() {
				USER.remove();
			}

		});
		ObservationThreadLocalAccessor.getInstance().setObservationRegistry(observations);
		observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStop(Observation.Context context) {
				stopped.add(context);
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		server = new EgressTestServer();
		OutboundHandler recording = (request) -> {
			handlerSaw.add(USER.get() + "@" + MDC.get("requestId") + "@" + Thread.currentThread().getName());
			return request;
		};
		WorkerLimits limits = WorkerLimits.DEFAULTS.withWallTime(Duration.ofSeconds(20));
		loader = GraalWorkerLoader.builder()
			.policies(PolicyResolver.of(WorkerPolicy.of("default", limits)
				.withBindings("WHO")
				.withOutbound(List.of("http://127.0.0.1:" + server.port()), "recording")))
			.bindings(BindingProvider.of(ExposedBinding.of("WHO", new WhoBinding(), Who.class)))
			.outboundHandlers((name) -> "recording".equals(name) ? recording : null)
			.listener(new ObservationWorkerListener(observations, null))
			// One sandbox thread: every worker runs on it, one caller after another.
			.threads(1)
			.build();
		callers = Executors.newFixedThreadPool(2);
	}

	@AfterAll
	static void stop() {
		ContextRegistry.getInstance().removeThreadLocalAccessor(KEY);
		loader.close();
		server.close();
		callers.shutdownNow();
	}

	@BeforeEach
	@AfterEach
	void clear() {
		USER.remove();
		MDC.clear();
		stopped.clear();
		handlerSaw.clear();
	}

	private static Object call(@Nullable String user, @Nullable String requestId, String body) throws Exception {
		return callers.submit(() -> {
			if (user != null) {
				USER.set(user);
			}
			if (requestId != null) {
				MDC.put("requestId", requestId);
			}
			try (Worker worker = loader.load(WorkerCode.builder()
				.module("agent.js", "export default { async run(p, env) { " + body + " } }")
				.env("WHO")
				.build())) {
				return worker.getEntrypoint().call("run");
			}
			finally {
				USER.remove();
				MDC.clear();
			}
		}).get();
	}

	@Test
	void bindingCallSeesTheCallersContextOnTheSandboxThread() throws Exception {
		Object result = call("alice", "r-1",
				"return [env.WHO.user(), env.WHO.mdc(), env.WHO.thread(), await env.WHO.later()];");
		assertThat(result).isEqualTo(List.of("alice", "r-1", ((List<?>) result).get(2), "later:alice"));
		assertThat((String) ((List<?>) result).get(2)).startsWith("worker-loader-sandbox");
	}

	@Test
	void aLaterCallerOnTheSameSandboxThreadSeesNothingOfTheFormerOne() throws Exception {
		assertThat(call("alice", "r-1", "return env.WHO.user() + '/' + env.WHO.mdc();")).isEqualTo("alice/r-1");
		Object anonymous = call(null, null, "return [env.WHO.user(), env.WHO.mdc(), env.WHO.thread()];");
		assertThat(((List<?>) anonymous).subList(0, 2)).isEqualTo(List.of("null", "null"));
		assertThat(call("bob", null, "return env.WHO.user() + '/' + env.WHO.mdc();")).isEqualTo("bob/null");
	}

	@Test
	void outboundHandlerSeesTheCallersContextOnTheFetchThread() throws Exception {
		String fetch = "const r = await fetch('" + server.url("/hello") + "'); return r.status;";
		assertThat(call("alice", "r-2", fetch)).isEqualTo(200);
		assertThat(call(null, null, fetch)).isEqualTo(200);
		assertThat(handlerSaw).hasSize(2);
		assertThat(handlerSaw.get(0)).startsWith("alice@r-2@").doesNotContain("sandbox");
		assertThat(handlerSaw.get(1)).startsWith("null@null@");
	}

	@Test
	void bindingThatDeniesTheCallerGivesTheGuestAnAccessDeniedErrorAndTheCallerATypedException() throws Exception {
		assertThat(call("alice", null, "return env.WHO.adminOnly();")).isEqualTo("granted to alice");
		assertThat(call("bob", null, "try { env.WHO.adminOnly(); } catch (e) { return e.name + ': ' + e.message; }"))
			.asString()
			.startsWith("AccessDeniedError: env.WHO.adminOnly was denied for the caller of worker")
			.doesNotContain("only alice");
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> call("bob", null, "return env.WHO.adminOnly();"))
			.havingCause()
			.isInstanceOf(WorkerAccessDeniedException.class)
			.satisfies((ex) -> assertThat(((WorkerException) ex).getGuestMessage())
				.contains("env.WHO.adminOnly was denied"));
	}

	@Test
	void asyncBindingThatDeniesTheCallerIsTypedToo() throws Exception {
		assertThat(call("alice", null, "return await env.WHO.adminLater();")).isEqualTo("later for alice");
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> call("bob", null, "return await env.WHO.adminLater();"))
			.havingCause()
			.isInstanceOf(WorkerAccessDeniedException.class);
		assertThat(call("bob", null, "try { await env.WHO.adminLater(); } catch (e) { return e.name; }"))
			.isEqualTo("AccessDeniedError");
	}

	@Test
	void guestErrorNamedAccessDeniedIsNotTypedWhenNoBindingDenied() {
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(
					() -> call("bob", null, "const e = new Error('forged'); e.name = 'AccessDeniedError'; throw e;"))
			.havingCause()
			.isExactlyInstanceOf(WorkerException.class);
	}

	@Test
	void workerObservationIsAChildOfTheCallersAndHostCallsAreItsChildren() throws Exception {
		Object result = callers.submit(() -> {
			Observation request = Observation.start("http.server.requests", observations);
			Observation.Scope scope = request.openScope();
			try {
				try (Worker worker = loader.load(WorkerCode.builder()
					.module("agent.js",
							"export default { async run(p, env) { env.WHO.user(); await env.WHO.later();"
									+ " const r = await fetch('" + server.url("/hello?token=s3cr3t") + "');"
									+ " return r.status; } }")
					.env("WHO")
					.build())) {
					return worker.getEntrypoint().call("run");
				}
			}
			finally {
				scope.close();
				request.stop();
			}
		}).get();
		assertThat(result).isEqualTo(200);
		Observation.Context http = named("http.server.requests").get(0);
		WorkerInvocationContext execution = (WorkerInvocationContext) named("worker.loader.execution").get(0);
		assertThat(execution.getParentObservation().getContextView()).isSameAs(http);
		List<Observation.Context> bindings = named("worker.loader.binding");
		assertThat(bindings).hasSize(2).allSatisfy((binding) -> {
			assertThat(binding.getParentObservation().getContextView()).isSameAs(execution);
			assertThat(binding.getLowCardinalityKeyValue("binding").getValue()).isEqualTo("WHO");
		});
		assertThat(bindings).extracting((binding) -> binding.getLowCardinalityKeyValue("binding.method").getValue())
			.containsExactlyInAnyOrder("user", "later");
		WorkerHostCallContext fetch = (WorkerHostCallContext) named("worker.loader.fetch").get(0);
		assertThat(fetch.getParentObservation().getContextView()).isSameAs(execution);
		assertThat(fetch.getHighCardinalityKeyValue("server.address").getValue())
			.isEqualTo("127.0.0.1:" + server.port());
		assertThat(fetch.getAllKeyValues().toString()).doesNotContain("s3cr3t", "/hello");
		assertThat(fetch.getFailure()).isNull();
	}

	@Test
	void failedInvocationAndDeniedBindingCallRecordErrorsWithoutGuestText() throws Exception {
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> call("bob", null, "env.WHO.adminOnly();"));
		WorkerHostCallContext binding = (WorkerHostCallContext) named("worker.loader.binding").get(0);
		assertThat(binding.getFailure()).isEqualTo("denied");
		assertThat(binding.getError()).hasMessage("denied");
		Observation.Context execution = named("worker.loader.execution").get(0);
		assertThat(execution.getError()).hasMessage(WorkerListener.DENIED + ": AccessDeniedError");
		stopped.clear();
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> call(null, null, "throw new TypeError('secret-value-42');"));
		Observation.Context failed = named("worker.loader.execution").get(0);
		assertThat(failed.getError()).hasMessage("guest_error: TypeError");
		assertThat(failed.getError().getStackTrace()).isEmpty();
	}

	@Test
	void withoutCallerContextTheSandboxThreadHoldsNoObservation() throws Exception {
		Object result = call(null, null, "return env.WHO.user();");
		assertThat(result).isEqualTo("null");
		Observation.Context execution = named("worker.loader.execution").get(0);
		assertThat(execution.getParentObservation()).isNull();
	}

	private static List<Observation.Context> named(String name) {
		return stopped.stream().filter((context) -> name.equals(context.getName())).toList();
	}

}
