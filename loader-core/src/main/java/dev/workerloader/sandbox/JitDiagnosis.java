package dev.workerloader.sandbox;

import java.lang.management.ManagementFactory;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ResolvedModule;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.management.HotSpotDiagnosticMXBean;

import org.jspecify.annotations.Nullable;

/**
 * Why guest code runs in GraalJS's interpreter instead of the optimizing Truffle JIT
 * (about 6–9× slower on CPU-bound code), and exactly what to add to the JVM to get the
 * JIT. The loader logs it as one WARN when its engine starts interpreted (issue 14);
 * {@code worker-loader.require-jit=true} fails startup with it instead.
 * <p>
 * The JIT needs JDK 25 (the 25.x Graal compiler cannot load on JDK 17 or 21) and either a
 * GraalVM JDK 25, or JVMCI enabled with the Graal compiler jars on
 * {@code --upgrade-module-path} at a version not newer than the JDK update.
 *
 * @param reason what keeps the JIT off, one sentence
 * @param remedy what to change, with the exact JVM options
 * @author Worker Loader team
 * @since 0.1.0
 */
public record JitDiagnosis(String reason, String remedy) {

	/**
	 * The Graal compiler module.
	 */
	static final String COMPILER_MODULE = "jdk.graal.compiler";

	private static final Pattern JAR_VERSION = Pattern.compile("compiler-([0-9][0-9.]*[0-9])\\.jar$");

	/**
	 * Where the recipes are.
	 */
	static final String DOCS = "docs/operations.md#running-with-the-jit";

	/**
	 * Diagnoses the running JVM, for an engine that reported the runtime
	 * {@code implementation} ({@code Interpreted} without the JIT).
	 * @param implementation the Truffle runtime name
	 * @return the diagnosis
	 */
	public static JitDiagnosis of(String implementation) {
		return diagnose(implementation, Runtime.version(), System.getProperty("java.vendor.version", ""),
				System.getProperty("java.vm.name", ""), jvmciEnabled(), compilerModule());
	}

	/**
	 * Returns the JVM options that turn the JIT on for this JDK: the compiler jars, at
	 * the version of the running JDK update, in a directory of their own.
	 * @param jdk the JDK version
	 * @return the options
	 */
	public static String jvmOptions(Runtime.Version jdk) {
		return "-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path=<dir>"
				+ " --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow, where <dir> holds"
				+ " org.graalvm.compiler:compiler, org.graalvm.truffle:truffle-compiler, org.graalvm.sdk:collections"
				+ " and org.graalvm.sdk:word, all at version " + compilerVersionFor(jdk)
				+ " (the compiler must not be newer than the JDK update)";
	}

	/**
	 * The compiler version that matches a JDK: its own update.
	 */
	static String compilerVersionFor(Runtime.Version jdk) {
		return jdk.feature() + "." + jdk.interim() + "." + jdk.update();
	}

	static JitDiagnosis diagnose(String implementation, Runtime.Version jdk, String vendorVersion, String vmName,
			@Nullable Boolean jvmci, @Nullable CompilerModule compiler) {
		String running = "JDK " + jdk + " (" + ((vendorVersion.isEmpty()) ? vmName : vendorVersion) + ")";
		if (jdk.feature() < 25) {
			return new JitDiagnosis(
					running + ": the Graal compiler of GraalJS 25 needs JDK 25, so guest code runs in"
							+ " the interpreter (JDK 17 and 21 only ever interpret).",
					"Run on a GraalVM JDK 25, or on JDK 25 with the JVM options "
							+ jvmOptions(Runtime.Version.parse("25.0.3"))
							+ " on JDK 25.0.3 (the compiler at the JDK's own update); see " + DOCS + ".");
		}
		boolean graalVm = (vendorVersion + " " + vmName).toLowerCase(Locale.ROOT).contains("graalvm");
		if (graalVm) {
			return new JitDiagnosis(
					running + " is a GraalVM JDK, but the Truffle runtime is '" + implementation
							+ "': its compiler does not accept this GraalJS version.",
					"Use the GraalJS (org.graalvm.polyglot) version of this GraalVM JDK, or run on another JDK 25 with "
							+ jvmOptions(jdk) + "; see " + DOCS + ".");
		}
		if (Boolean.FALSE.equals(jvmci)) {
			return new JitDiagnosis(running + ": JVMCI is not enabled, so the Graal compiler cannot be used.",
					"Add the JVM options " + jvmOptions(jdk) + "; see " + DOCS + ".");
		}
		if (compiler == null || !compiler.upgraded()) {
			return new JitDiagnosis(
					running + ": the Graal compiler jars are not on --upgrade-module-path (this JDK has no libgraal).",
					"Add the JVM options " + jvmOptions(jdk) + "; see " + DOCS + ".");
		}
		if (compiler.version() != null && newer(compiler.version(), jdk)) {
			return new JitDiagnosis(
					running + ": the Graal compiler on --upgrade-module-path is version " + compiler.version()
							+ ", newer than the JDK, which it refuses.",
					"Use the compiler jars at version " + compilerVersionFor(jdk) + " (not newer than the JDK update): "
							+ jvmOptions(jdk) + "; see " + DOCS + ".");
		}
		return new JitDiagnosis(
				running + ": JVMCI and the Graal compiler " + ((compiler.version() != null) ? compiler.version() : "")
						+ " are set up, but the Truffle runtime is '" + implementation + "'.",
				"Check that the compiler, truffle-compiler, collections and word jars are all at version "
						+ compilerVersionFor(jdk) + " and that GraalJS is a 25.0.x version; run once with"
						+ " -Dpolyglot.engine.WarnInterpreterOnly=true to see Truffle's own reason; see " + DOCS + ".");
	}

	private static boolean newer(String compilerVersion, Runtime.Version jdk) {
		try {
			Runtime.Version compiler = Runtime.Version.parse(compilerVersion.replaceAll("[^0-9.].*$", ""));
			return compiler.compareToIgnoreOptional(Runtime.Version.parse(compilerVersionFor(jdk))) > 0;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/**
	 * Returns the message of the startup WARN.
	 * @return the message
	 */
	public String message() {
		return "GraalJS runs guest code in its interpreter, about 6-9 times slower than with the optimizing JIT. "
				+ this.reason + " " + this.remedy
				+ " Set worker-loader.require-jit=true to fail startup instead of this warning.";
	}

	private static @Nullable Boolean jvmciEnabled() {
		try {
			HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
			return Boolean.valueOf(bean.getVMOption("EnableJVMCI").getValue());
		}
		catch (RuntimeException | LinkageError ex) {
			// Experimental flags are not readable here: the command line says it.
		}
		try {
			Boolean enabled = null;
			for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
				if (argument.equals("-XX:+EnableJVMCI")) {
					enabled = Boolean.TRUE;
				}
				else if (argument.equals("-XX:-EnableJVMCI")) {
					enabled = Boolean.FALSE;
				}
			}
			return (enabled != null) ? enabled : Boolean.FALSE;
		}
		catch (RuntimeException | LinkageError ex) {
			return null;
		}
	}

	private static @Nullable CompilerModule compilerModule() {
		Optional<ResolvedModule> module = ModuleLayer.boot().configuration().findModule(COMPILER_MODULE);
		if (module.isEmpty()) {
			return null;
		}
		Optional<URI> location = module.get().reference().location();
		boolean upgraded = location.isPresent() && !"jrt".equals(location.get().getScheme());
		String version = module.get()
			.reference()
			.descriptor()
			.version()
			.map(ModuleDescriptor.Version::toString)
			.or(() -> location.map(JitDiagnosis::versionFromJar))
			.orElse(null);
		return new CompilerModule(upgraded, version);
	}

	private static @Nullable String versionFromJar(URI location) {
		String path = location.getPath();
		if (path == null) {
			return null;
		}
		Matcher matcher = JAR_VERSION.matcher(path);
		return matcher.find() ? matcher.group(1) : null;
	}

	/**
	 * The Graal compiler module of the boot layer.
	 *
	 * @param upgraded whether it comes from {@code --upgrade-module-path} rather than the
	 * JDK image
	 * @param version its version, if known
	 */
	record CompilerModule(boolean upgraded, @Nullable String version) {
	}

}
