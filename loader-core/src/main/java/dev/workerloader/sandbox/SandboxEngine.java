package dev.workerloader.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * The shared GraalJS engine and the factory of sandbox contexts. Every context is created
 * under {@link SandboxPolicy#CONSTRAINED} on this one engine, with an in-memory module
 * file system, no host access beyond proxies, {@code print} and {@code load} removed and
 * the guest runtime installed.
 *
 * @author Worker Loader team
 */
final class SandboxEngine implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(SandboxEngine.class);

	/**
	 * The logger of the interpreter warning: set it to ERROR to run interpreted on
	 * purpose without the warning.
	 */
	static final String JIT_LOGGER = "dev.workerloader.jit";

	private static final Log jitLogger = LogFactory.getLog(JIT_LOGGER);

	private static final AtomicBoolean interpreterWarned = new AtomicBoolean();

	private static final String LANGUAGE = "js";

	/**
	 * The resolution of {@code Date} in guest code (GraalJS {@code js.timer-resolution},
	 * a STABLE option accepted under CONSTRAINED): 10 ms instead of GraalJS's 1 ms
	 * default, so that a guest measures host work, such as a binding call, only coarsely
	 * (issue 8). {@code performance.now()} has the same resolution (issue 19).
	 */
	static final long TIMER_RESOLUTION_NANOS = 10_000_000L;

	/** The default time zone of guest code: UTC, as on Cloudflare Workers (issue 19). */
	static final ZoneId GUEST_TIME_ZONE = ZoneId.of("Etc/UTC");

	private static final OutputStream DISCARD = new OutputStream() {

		@Override
		public void write(int b) {
		}

		@Override
		public void write(byte[] b, int off, int len) {
		}

	};

	/** The guest libraries in {@code lib/}: see {@code lib/NOTICE.md}. */
	private static final Set<String> LIBRARIES = Set.of("url", "streams", "compression");

	private final Engine engine;

	private final Source runtimeSource;

	private final RuntimeInfo runtimeInfo;

	/**
	 * The guest libraries (issue 19), each parsed once per engine on first use: a
	 * {@code Source} is cached by the engine, so later workers only evaluate it.
	 */
	private final Map<String, Source> libraries = new ConcurrentHashMap<>();

	private final CryptoHost cryptoHost = new CryptoHost();

	SandboxEngine() {
		this.engine = Engine.newBuilder(LANGUAGE)
			.sandbox(SandboxPolicy.CONSTRAINED)
			.out(DISCARD)
			.err(DISCARD)
			.option("engine.WarnInterpreterOnly", "false")
			.build();
		this.runtimeSource = Source.newBuilder(LANGUAGE, readRuntime(), "worker-loader-runtime.js")
			.internal(true)
			.buildLiteral();
		this.runtimeInfo = RuntimeInfo.of(this.engine);
		if (!this.runtimeInfo.jit() && interpreterWarned.compareAndSet(false, true)) {
			// Issue 14: the fallback to the interpreter is silent otherwise. Once per
			// JVM.
			jitLogger.warn(JitDiagnosis.of(this.runtimeInfo.implementation()).message());
		}
	}

	private static String readRuntime() {
		return readResource("runtime.js");
	}

	private static String readResource(String name) {
		try (InputStream in = SandboxEngine.class.getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalStateException("dev/workerloader/sandbox/" + name + " is missing from the classpath");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	RuntimeInfo runtimeInfo() {
		return this.runtimeInfo;
	}

	/**
	 * Creates a context with the guest runtime installed (the JS realm initialised),
	 * ready to receive one worker's modules.
	 * @param statementLimit the statement limit, or 0 for none
	 * @return the context
	 */
	SandboxContext newContext(long statementLimit) {
		return newContext(statementLimit, null);
	}

	/**
	 * Builds a context whose guest sees {@code timeZone} (a policy's, issue 19), or UTC.
	 */
	SandboxContext newContext(long statementLimit, @Nullable ZoneId timeZone) {
		ModuleFileSystem fileSystem = new ModuleFileSystem();
		LogSink logSink = new LogSink();
		Context.Builder builder = Context.newBuilder(LANGUAGE)
			.engine(this.engine)
			.sandbox(SandboxPolicy.CONSTRAINED)
			.allowIO(IOAccess.newBuilder().fileSystem(fileSystem).build())
			.option("js.esm-eval-returns-exports", "true")
			.option("js.print", "false")
			.option("js.load", "false")
			.option("js.console", "false")
			.option("js.timer-resolution", Long.toString(TIMER_RESOLUTION_NANOS))
			// Issue 19: the guest's Date and Intl see UTC, as on Cloudflare, whatever the
			// JVM's zone.
			.timeZone((timeZone != null) ? timeZone : GUEST_TIME_ZONE);
		if (statementLimit > 0) {
			// Count guest statements only: the runtime (an internal source) must not use
			// up the limit.
			builder.resourceLimits(ResourceLimits.newBuilder()
				.statementLimit(statementLimit, (source) -> !source.isInternal())
				.build());
		}
		Context context = builder.build();
		try {
			ProxyExecutable libraryHost = (arguments) -> context.eval(library(arguments[0].asString()));
			Value runtime = context.eval(this.runtimeSource).execute(logSink, libraryHost, this.cryptoHost);
			return new SandboxContext(context, fileSystem, logSink, runtime, statementLimit);
		}
		catch (RuntimeException ex) {
			context.close(true);
			throw ex;
		}
	}

	/**
	 * Returns one of the guest libraries of {@code lib/}, whose evaluation yields its
	 * exports. Only the runtime asks, with a name of its own (never the guest's).
	 */
	private Source library(String name) {
		if (!LIBRARIES.contains(name)) {
			throw new IllegalArgumentException("No guest library named '" + name + "'");
		}
		return this.libraries.computeIfAbsent(name,
				(key) -> Source.newBuilder(LANGUAGE, readResource("lib/" + key + ".js"), "worker-loader-" + key + ".js")
					.internal(true)
					.buildLiteral());
	}

	/**
	 * Parses the guest libraries and runs each once in a throwaway context, so that the
	 * first worker using one (URL, streams) only evaluates a parsed source on warm code
	 * paths (issue 19). Called in the background once the engine is ready; the guest
	 * never waits for it.
	 */
	void warmLibraries() {
		SandboxContext sandbox = newContext(0);
		try {
			sandbox.context.eval(LANGUAGE,
					"new URL('https://b\u00fccher.example/a?b=c#d').href;"
							+ " new URLSearchParams('a=1&b=2').toString();"
							+ " new ReadableStream().getReader(); new CompressionStream('gzip').writable.getWriter();");
		}
		catch (RuntimeException ex) {
			logger.debug("Warming the guest libraries failed", ex);
		}
		finally {
			sandbox.close();
		}
	}

	@Override
	public void close() {
		try {
			this.engine.close(true);
		}
		catch (RuntimeException ex) {
			logger.debug("Failed to close the GraalJS engine", ex);
		}
	}

	/**
	 * What runs the sandboxes: the GraalJS version, whether the optimizing JIT is active,
	 * and the JDK.
	 *
	 * @param graalVersion the GraalJS (polyglot) version
	 * @param implementation the Truffle runtime name ({@code GraalVM CE} with the JIT,
	 * {@code Interpreted} without)
	 * @param jit whether the optimizing JIT compiles guest code
	 * @param jdk the JDK version and vendor
	 */
	record RuntimeInfo(String graalVersion, String implementation, boolean jit, String jdk) {

		static RuntimeInfo of(Engine engine) {
			String implementation = engine.getImplementationName();
			boolean jit = !"Interpreted".equalsIgnoreCase(implementation);
			String jdk = System.getProperty("java.version") + " (" + System.getProperty("java.vm.vendor") + ")";
			return new RuntimeInfo(polyglotVersion(engine), implementation, jit, jdk);
		}

		private static String polyglotVersion(Engine engine) {
			// Engine.getVersion() says "Development Build" on 25.0.x; the jar manifest
			// knows.
			Package pkg = Engine.class.getPackage();
			String version = (pkg != null) ? pkg.getImplementationVersion() : null;
			return (version != null) ? version : engine.getVersion();
		}

		String describe() {
			return "GraalJS " + this.graalVersion + " on JDK " + this.jdk + ", Truffle runtime '" + this.implementation
					+ "' ("
					+ (this.jit ? "optimizing JIT active"
							: "interpreter only: run on JDK 25 with the Graal compiler on --upgrade-module-path for the JIT")
					+ ")";
		}

	}

}
