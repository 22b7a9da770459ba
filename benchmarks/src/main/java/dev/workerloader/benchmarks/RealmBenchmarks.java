package dev.workerloader.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The floor under a fresh worker (issue 18): what GraalJS itself costs to build a
 * CONSTRAINED realm on a shared engine, evaluate one expression and close it, without the
 * loader's guest runtime. Beside {@code SandboxBenchmarks.freshWorkerTiny} with
 * {@code pooled=false} (a realm built in the request, with the runtime, a module and a
 * call), the difference is what the loader adds per realm.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class RealmBenchmarks {

	private Engine engine;

	private Source runtime;

	@Setup(Level.Trial)
	public void start() {
		this.engine = Engine.newBuilder("js")
			.sandbox(SandboxPolicy.CONSTRAINED)
			.out(OutputStream.nullOutputStream())
			.err(OutputStream.nullOutputStream())
			.option("engine.WarnInterpreterOnly", "false")
			.build();
		this.runtime = Source.newBuilder("js", runtimeText(), "worker-loader-runtime.js").internal(true).buildLiteral();
	}

	/**
	 * The guest runtime of the loader: the one in the core jar, or the file that the
	 * system property {@code realm.runtime} names (to measure a variant).
	 */
	private static String runtimeText() {
		String file = System.getProperty("realm.runtime");
		try {
			if (file != null) {
				return Files.readString(Path.of(file), StandardCharsets.UTF_8);
			}
			try (InputStream in = RealmBenchmarks.class.getResourceAsStream("/dev/workerloader/sandbox/runtime.js")) {
				return new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.engine.close();
	}

	/** A bare CONSTRAINED realm: build, evaluate {@code 1 + 1}, close. */
	@Benchmark
	public int bareRealm() {
		try (Context context = newContext()) {
			return context.eval("js", "1 + 1").asInt();
		}
	}

	/**
	 * A realm with the loader's guest runtime evaluated in it (what the warm pool
	 * builds), its host functions stubbed: the difference to {@link #bareRealm()} is the
	 * runtime's set-up.
	 */
	@Benchmark
	public boolean realmWithRuntime() {
		ProxyExecutable noop = (arguments) -> null;
		try (Context context = newContext()) {
			return context.eval(this.runtime).execute(noop, noop, noop).hasMembers();
		}
	}

	/** A context as the loader builds one, without its file system and time zone. */
	private Context newContext() {
		return Context.newBuilder("js")
			.engine(this.engine)
			.sandbox(SandboxPolicy.CONSTRAINED)
			.option("js.print", "false")
			.option("js.load", "false")
			.option("js.console", "false")
			.build();
	}

}
