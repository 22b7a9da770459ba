package dev.workerloader.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;

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
	 * (issue 8). {@code performance} is not defined in our contexts.
	 */
	static final long TIMER_RESOLUTION_NANOS = 10_000_000L;

	private static final OutputStream DISCARD = new OutputStream() {

		@Override
		public void write(int b) {
		}

		@Override
		public void write(byte[] b, int off, int len) {
		}

	};

	private final Engine engine;

	private final Source runtimeSource;

	private final RuntimeInfo runtimeInfo;

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
		try (InputStream in = SandboxEngine.class.getResourceAsStream("runtime.js")) {
			if (in == null) {
				throw new IllegalStateException("dev/workerloader/sandbox/runtime.js is missing from the classpath");
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
			.option("js.timer-resolution", Long.toString(TIMER_RESOLUTION_NANOS));
		if (statementLimit > 0) {
			// Count guest statements only: the runtime (an internal source) must not use
			// up the limit.
			builder.resourceLimits(ResourceLimits.newBuilder()
				.statementLimit(statementLimit, (source) -> !source.isInternal())
				.build());
		}
		Context context = builder.build();
		try {
			Value runtime = context.eval(this.runtimeSource).execute(logSink);
			return new SandboxContext(context, fileSystem, logSink, runtime, statementLimit);
		}
		catch (RuntimeException ex) {
			context.close(true);
			throw ex;
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
