package dev.workerloader.hostile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workerloader.Invocation;
import dev.workerloader.LogEntry;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerLoader;
import dev.workerloader.autoconfigure.WorkerLoaderAuditAutoConfiguration;
import dev.workerloader.autoconfigure.WorkerLoaderAutoConfiguration;
import dev.workerloader.codemode.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack (issue 12): make the engine or the host print a secret the guest was never meant
 * to hand out. GraalJS writes values into its own error messages ("... is not iterable",
 * "... is not a function", "Cannot convert ... to a BigInt") and prints a Proxy's target;
 * a guest iterates, coerces or mis-calls {@code env} and what it read from it, logs it,
 * throws it (also as a {@code cause}) or returns it. Each path runs in a real Spring
 * context with the audit trail and the guest log forwarder on; the secret must not appear
 * in the exception, the logs, the result, the {@code RunResult}, the audit events or the
 * host log.
 *
 * @author Worker Loader team
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretRenderingLeakTests {

	private static final String SECRET = "sk-sec-" + UUID.randomUUID();

	/** A secret holding characters JSON escapes, and a line break. */
	private static final String ESCAPED = "p\"w\\d-" + UUID.randomUUID().toString().substring(0, 8) + "\nline-two-"
			+ UUID.randomUUID().toString().substring(0, 8);

	private static final String VAR = "var-" + UUID.randomUUID();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AuditAutoConfiguration.class, WorkerLoaderAutoConfiguration.class,
				WorkerLoaderAuditAutoConfiguration.class))
		.withUserConfiguration(AuditConfiguration.class)
		.withPropertyValues("worker-loader.policies.default.secrets.TOKEN=" + SECRET,
				"worker-loader.policies.default.secrets.ESCAPED=" + ESCAPED,
				"worker-loader.policies.default.vars.CONFIG_URL=" + VAR);

	/**
	 * The engine renders env itself: no var and no secret may appear, even though the
	 * guest never reads one.
	 */
	private static final List<String> RENDER_ENV = List.of("for (const x of env) {}", "[...env]", "env()",
			"[1].map(env)", "new env()", "Symbol.keyFor(env)", "BigInt(env)", "throw new Error(String(env))",
			"throw new Error(`${env}`)", "throw new Error(JSON.stringify(env))",
			"throw new Error(JSON.stringify(Object.entries(env)))",
			"throw new Error(JSON.stringify(Object.values(env)))", "throw new Error(JSON.stringify({ ...env }))",
			"throw new Error(JSON.stringify(Object.getOwnPropertyDescriptors(env)))", "console.log(env); return env",
			"console.log({ env }); return { env }", "null.x(env)", "Object.defineProperty(1, 'x', env)",
			"throw new Error('wrapped', { cause: env })", "throw env");

	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.workerloader.hostile.Hostile#tiers")
	void envItselfIsNeverRendered(String name, String[] tier, CapturedOutput output) {
		Hostile.onTier(this.contextRunner, tier).run((context) -> {
			for (String statement : RENDER_ENV) {
				Outputs seen = runEverywhere(context, "run(p, env) { " + statement + " }");
				assertThat(seen.texts).as(statement)
					.allSatisfy((text) -> assertThat(text).doesNotContain(SECRET)
						.doesNotContain(VAR)
						.doesNotContain("line-two-"));
			}
			assertNotInHostOutput(output, true);
		});
	}

	/**
	 * The guest reads the secret and mis-uses it, or something holding it: the engine
	 * prints it, and redaction removes it from every text before anyone sees it.
	 */
	private static final List<String> MISUSE_SECRET = List.of("const o = { k: env.TOKEN }; [...o]",
			"const o = { k: env.TOKEN }; [1].forEach(o)", "BigInt(env.TOKEN)", "'x' in env.TOKEN", "null[env.TOKEN]()",
			"throw new Error(env.TOKEN)", "throw new TypeError(`bad ${JSON.stringify({ t: env.TOKEN })}`)",
			"const e = new Error(env.TOKEN); e.name = env.TOKEN; throw e",
			"throw new Error('outer', { cause: new Error(env.TOKEN) })", "throw env.TOKEN",
			"console.log(env.TOKEN); console.error({ nested: [env.TOKEN] }); return 1",
			"console.log(env.TOKEN.slice(0, 4) + env.TOKEN.slice(4)); return 1", "return env.TOKEN",
			"return { deep: [{ t: env.TOKEN }], json: JSON.stringify({ t: env.TOKEN }) }",
			"return JSON.stringify(JSON.stringify(env.TOKEN))", "throw new Error(env.ESCAPED)",
			"console.log(JSON.stringify(env.ESCAPED)); return 1", "return env.ESCAPED",
			"return { j: JSON.stringify({ e: env.ESCAPED }) }", "console.log(env.ESCAPED.split('\\n')[1]); return 1",
			"return Promise.reject(new Error(env.TOKEN))",
			"async function f() { throw new Error(env.TOKEN); } return f()",
			"return { toJSON() { throw new Error(env.TOKEN); } }");

	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.workerloader.hostile.Hostile#tiers")
	void aSecretTheGuestReadIsRedactedEverywhere(String name, String[] tier, CapturedOutput output) {
		Hostile.onTier(this.contextRunner, tier).run((context) -> {
			for (String statement : MISUSE_SECRET) {
				Outputs seen = runEverywhere(context, "run(p, env) { " + statement + " }");
				assertThat(seen.texts).as(statement)
					.allSatisfy((text) -> assertThat(text).doesNotContain(SECRET)
						.doesNotContain(ESCAPED)
						.doesNotContain("line-two-")
						.doesNotContain(jsonEscaped(ESCAPED)));
				// The run did happen: the secret was replaced, not silently dropped.
				assertThat(String.join("\n", seen.texts)).as(statement).contains("[redacted]");
			}
			assertNotInHostOutput(output, false);
			// The host log did get the guest's console output, redacted.
			assertThat(output.getAll()).contains("dev.workerloader.guest").contains("[redacted]");
		});
	}

	/**
	 * Object members of env (data the caller passed) mis-used without reading their
	 * values: the engine prints accessors, never the data.
	 */
	@Test
	void objectMembersOfEnvAreNeverRenderedEither() {
		String marker = "caller-data-" + UUID.randomUUID();
		this.contextRunner.run((context) -> {
			WorkerLoader loader = context.getBean(WorkerLoader.class);
			for (String statement : List.of("[...env.CFG]", "[1].forEach(env.CFG)", "env.CFG.list()",
					"BigInt(env.CFG.list)", "Symbol.keyFor(env.CFG.list)", "new env.CFG.nested()",
					"for (const x of env.CFG.nested) {}", "throw new Error(`${env.CFG} ${env.CFG.list}`)",
					"throw new Error(String(env.CFG.nested))", "null.x(env.CFG)")) {
				try (Worker worker = loader.load(WorkerCode.builder()
					.module("agent.js", "export default { run(p, env) { " + statement + " } }")
					.env("CFG", Map.of("k", marker, "list", List.of(marker, 2), "nested", Map.of("deep", marker)))
					.build())) {
					worker.getEntrypoint().call("run");
				}
				catch (WorkerException ex) {
					assertThat(ex.getMessage()).as(statement).doesNotContain(marker);
					assertThat(ex.getGuestStack()).as(statement).doesNotContain(marker);
				}
			}
			try (Worker worker = loader
				.load(WorkerCode.builder()
					.module("agent.js", "export default { run(p, env) { return [JSON.stringify(env.CFG.nested),"
							+ " Object.keys(env.CFG).sort(), Object.isFrozen(env.CFG), Array.isArray(env.CFG.list),"
							+ " env.CFG.list.length, env.CFG.nested === env.CFG.nested]; } }")
					.env("CFG", Map.of("k", marker, "list", List.of(marker, 2), "nested", Map.of("deep", marker)))
					.build())) {
				// Explicit reads still work like on the frozen data.
				assertThat(worker.getEntrypoint().call("run")).isEqualTo(
						List.of("{\"deep\":\"" + marker + "\"}", List.of("k", "list", "nested"), true, true, 2, true));
			}
		});
	}

	@Test
	void redactionShowsWhereTheSecretWas() {
		this.contextRunner.run((context) -> {
			WorkerLoader loader = context.getBean(WorkerLoader.class);
			try (Worker worker = loader.load(WorkerCode
				.of("export default { run(p, env) { console.log('token=' + env.TOKEN); return 'sent ' + env.TOKEN; } }"))) {
				Invocation invocation = worker.getEntrypoint().invoke("run", null);
				assertThat(invocation.value()).isEqualTo("sent [redacted]");
				assertThat(invocation.logs()).extracting(LogEntry::message).containsExactly("token=[redacted]");
			}
		});
	}

	@Test
	void aBindingRepeatingTheSecretInItsExceptionIsLoggedRedacted(CapturedOutput output) {
		this.contextRunner.withPropertyValues("worker-loader.policies.default.bindings=*").run((context) -> {
			WorkerLoader loader = context.getBean(WorkerLoader.class);
			try (Worker worker = loader.load(WorkerCode.builder()
				.module("agent.js", "export default { run(p, env) { return env.lookup.find(env.TOKEN); } }")
				.env("lookup", new Lookup(), LookupContract.class)
				.build())) {
				try {
					worker.getEntrypoint().call("run");
				}
				catch (WorkerException ex) {
					assertThat(ex.getMessage()).doesNotContain(SECRET).contains("details are in the host log");
				}
			}
			assertThat(output.getAll()).contains("IllegalArgumentException", "no such key: [redacted]")
				.contains("at dev.workerloader.hostile.SecretRenderingLeakTests$Lookup.find")
				.doesNotContain(SECRET);
		});
	}

	@Test
	void theGuestCanStillUseTheSecret() {
		this.contextRunner.run((context) -> {
			WorkerLoader loader = context.getBean(WorkerLoader.class);
			try (Worker worker = loader.load(WorkerCode
				.of("export default { run(p, env) { return [env.TOKEN.length, env.TOKEN.startsWith('sk-sec-'), env.CONFIG_URL]; } }"))) {
				assertThat(worker.getEntrypoint().call("run")).isEqualTo(List.of(SECRET.length(), true, VAR));
			}
		});
	}

	@Test
	void revealSecretsInResultsLetsResultsCarryThemButNotErrorsOrLogs(CapturedOutput output) {
		this.contextRunner.withPropertyValues("worker-loader.policies.default.reveal-secrets-in-results=true")
			.run((context) -> {
				WorkerLoader loader = context.getBean(WorkerLoader.class);
				try (Worker worker = loader.load(WorkerCode
					.of("export default { run(p, env) { console.log(env.TOKEN); return env.TOKEN; }, fail(p, env) { throw new Error(env.TOKEN); } }"))) {
					Invocation invocation = worker.getEntrypoint().invoke("run", null);
					assertThat(invocation.value()).isEqualTo(SECRET);
					assertThat(invocation.logs()).extracting(LogEntry::message).containsExactly("[redacted]");
					try {
						worker.getEntrypoint().call("fail");
					}
					catch (WorkerException ex) {
						assertThat(ex.getMessage()).doesNotContain(SECRET).contains("[redacted]");
					}
				}
				assertThat(output.getAll()).doesNotContain(SECRET)
					.contains("reveal-secrets-in-results=true): callers see every secret its workers return.");
			});
	}

	@Test
	void aShortSecretFailsStartupWithoutShowingIt() {
		this.contextRunner.withPropertyValues("worker-loader.policies.default.secrets.PIN=1234").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(allMessages(context.getStartupFailure())).contains("worker-loader.policies.default.secrets.PIN")
				.contains("at least 8 characters")
				.doesNotContain("1234");
		});
	}

	@Test
	void aSecretNamedLikeAVarFailsStartup() {
		this.contextRunner.withPropertyValues("worker-loader.policies.default.vars.TOKEN=public-value")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(allMessages(context.getStartupFailure()))
					.contains("worker-loader.policies.default.secrets.TOKEN")
					.contains("also defined in worker-loader.policies.default.vars")
					.doesNotContain(SECRET);
			});
	}

	private static String allMessages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable current = failure; current != null; current = current.getCause()) {
			messages.append(current.getMessage()).append('\n');
		}
		return messages.toString();
	}

	/**
	 * Runs the method through {@code load}, {@code get}, the typed result and Code Mode,
	 * and collects every text the caller sees.
	 */
	private static Outputs runEverywhere(AssertableApplicationContext context, String method) {
		WorkerLoader loader = context.getBean(WorkerLoader.class);
		Outputs seen = new Outputs();
		String source = "export default { " + method + " }";
		try (Worker worker = loader.load(WorkerCode.of(source))) {
			seen.invoke(worker);
		}
		catch (WorkerException ex) {
			seen.add(ex);
		}
		String id = "secret-" + UUID.randomUUID();
		try {
			seen.invoke(loader.get(id, () -> WorkerCode.of(source)));
		}
		catch (WorkerException ex) {
			seen.add(ex);
		}
		finally {
			loader.evict(id);
		}
		RunResult result = loader.run(source, null);
		seen.texts.add(String.valueOf(result));
		seen.texts.add(String.valueOf(result.value()));
		seen.texts.add(String.valueOf(result.logs()));
		if (result.error() != null) {
			seen.texts.add(result.error().name() + result.error().message() + result.error().stack());
		}
		for (AuditEvent event : context.getBean(InMemoryAuditEventRepository.class).find(null, null, null)) {
			seen.texts.add(event.toString() + event.getData());
		}
		return seen;
	}

	private static void assertNotInHostOutput(CapturedOutput output, boolean varsToo) {
		assertThat(output.getAll()).doesNotContain(SECRET).doesNotContain("line-two-");
		if (varsToo) {
			assertThat(output.getAll()).doesNotContain(VAR);
		}
	}

	private static String jsonEscaped(String text) {
		return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
	}

	private static final class Outputs {

		private final List<String> texts = new ArrayList<>();

		void invoke(Worker worker) {
			try {
				Invocation invocation = worker.getEntrypoint().invoke("run", Map.of());
				this.texts.add(String.valueOf(invocation.value()));
				for (LogEntry entry : invocation.logs()) {
					this.texts.add(entry.message());
				}
			}
			catch (WorkerException ex) {
				add(ex);
			}
		}

		void add(WorkerException ex) {
			this.texts.add(ex.toString());
			this.texts.add(String.valueOf(ex.getMessage()));
			this.texts.add(ex.getName());
			this.texts.add(String.valueOf(ex.getGuestMessage()));
			this.texts.add(String.valueOf(ex.getGuestStack()));
			for (LogEntry entry : ex.getLogs()) {
				this.texts.add(entry.message());
			}
		}

	}

	public interface LookupContract {

		String find(String key);

	}

	/** A binding whose exception repeats its argument, as many do. */
	public static final class Lookup implements LookupContract {

		@Override
		public String find(String key) {
			throw new RuntimeException("lookup failed", new IllegalArgumentException("no such key: " + key));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AuditConfiguration {

		@Bean
		InMemoryAuditEventRepository auditEventRepository() {
			return new InMemoryAuditEventRepository();
		}

	}

}
