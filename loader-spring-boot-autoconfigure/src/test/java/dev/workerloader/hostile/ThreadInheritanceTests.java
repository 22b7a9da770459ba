package dev.workerloader.hostile;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoader;
import dev.workerloader.autoconfigure.WorkerLoaderAutoConfiguration;
import dev.workerloader.egress.OutboundHandler;
import dev.workerloader.sandbox.LoopbackOnlyNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack (issue 12): ride on the first caller's identity. The loader's sandbox, fetch,
 * reaper and pool threads start lazily, from whichever request thread needs them first; a
 * thread created the usual way copies that thread's inheritable thread-locals, such as
 * Spring Security's context in {@code MODE_INHERITABLETHREADLOCAL}, and would carry them
 * into every later guest. Host code the guest reaches on those threads (a binding, an
 * outbound handler) must see nothing of any caller. On both tiers (issue 16): on the
 * process tier the outbound handler runs on the application's fetch threads, and a
 * binding on the caller's own thread.
 *
 * @author Worker Loader team
 */
class ThreadInheritanceTests {

	private static final InheritableThreadLocal<String> TENANT = new InheritableThreadLocal<>();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WorkerLoaderAutoConfiguration.class))
		.withPropertyValues("worker-loader.policies.default.bindings=*");

	@AfterEach
	void restore() {
		TENANT.remove();
		SecurityContextHolder.clearContext();
		SecurityContextHolder.setStrategyName(SecurityContextHolder.MODE_THREADLOCAL);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.workerloader.hostile.Hostile#tiers")
	void hostCodeOnLoaderThreadsSeesNothingOfTheFirstCaller(String tierName, String[] tier) {
		boolean process = "process".equals(tierName);
		SecurityContextHolder.setStrategyName(SecurityContextHolder.MODE_INHERITABLETHREADLOCAL);
		// The first caller sets both before the loader exists, so every thread it ever
		// starts, eagerly or lazily, is started from a thread that carries them.
		TENANT.set("tenant-a");
		signIn("alice");
		List<String> seenByHandler = new CopyOnWriteArrayList<>();
		OutboundHandler handler = (request) -> {
			seenByHandler.add(observe());
			throw new SecurityException("the probe handler refuses every request");
		};
		Probe probe = new Probe();
		Hostile.onTier(this.contextRunner, tier).run((context) -> {
			WorkerLoader loader = context.getBean(WorkerLoader.class);
			String source = "export default { async run(p, env) { const onSandbox = env.probe.seen();"
					+ " let onFetch = null; try { await fetch('http://127.0.0.1:9/'); } catch (e) { onFetch = e.message; }"
					+ " return [onSandbox, onFetch]; } }";
			for (String caller : List.of("alice", "bob")) {
				signIn(caller);
				TENANT.set("tenant-of-" + caller);
				try (Worker worker = loader.load(WorkerCode.builder()
					.module("agent.js", source)
					.env("probe", probe, ProbeContract.class)
					.globalOutbound(handler)
					.build())) {
					Object result = worker.getEntrypoint().call("run");
					if (process) {
						// On the process tier a binding runs on the caller's own thread
						// (issue 16): it sees this caller's thread-locals, never the
						// first caller's.
						assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
							.first()
							.asString()
							.startsWith(Thread.currentThread().getName() + "|")
							.endsWith("|tenant=tenant-of-" + caller + "|principal=" + caller);
					}
					else {
						assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
							.first()
							.asString()
							.startsWith("worker-loader-sandbox-")
							// Inherited thread-locals never arrive; the current caller's
							// security context does, explicitly propagated (issue 15) -
							// never the first caller's.
							.endsWith("|tenant=null|principal=" + caller);
					}
					assertThat(((List<?>) result).get(1)).asString().contains("refused it");
				}
			}
		});
		assertThat(seenByHandler).hasSize(2);
		assertThat(seenByHandler.get(0)).startsWith("worker-loader-fetch-").endsWith("|tenant=null|principal=alice");
		assertThat(seenByHandler.get(1)).startsWith("worker-loader-fetch-").endsWith("|tenant=null|principal=bob");
		// The control: the caller's own thread does carry them.
		assertThat(observe()).endsWith("|tenant=tenant-of-bob|principal=bob");
		assertThat(LoopbackOnlyNetwork.isInstalled()).isTrue();
	}

	private static String observe() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		return Thread.currentThread().getName() + "|tenant=" + TENANT.get() + "|principal="
				+ ((authentication != null) ? authentication.getName() : null);
	}

	private static void signIn(String name) {
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(name, "n/a", List.of()));
	}

	public interface ProbeContract {

		String seen();

	}

	public static final class Probe implements ProbeContract {

		@Override
		public String seen() {
			return observe();
		}

	}

}
