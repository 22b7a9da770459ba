package dev.workerloader.process;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Builds the command line of a worker host: the application's own {@code java} binary,
 * the core's classpath only (this module, GraalJS, Jackson, Caffeine and the other
 * runtime dependencies, never the application's classes or Spring), the host heap, and no
 * system property of the application. The process starts with an empty environment, under
 * {@code unshare --net} (an empty network namespace) when the OS allows it.
 *
 * @author Worker Loader team
 */
final class HostLauncher {

	private static final Log logger = LogFactory.getLog(HostLauncher.class);

	/** The classes whose jars a worker host needs, besides GraalJS. */
	private static final String[] CORE_CLASSES = { "dev.workerloader.process.WorkerHostMain",
			"tools.jackson.databind.json.JsonMapper", "tools.jackson.core.JsonParser",
			"com.fasterxml.jackson.annotation.JsonProperty", "com.github.benmanes.caffeine.cache.Caffeine",
			"org.jspecify.annotations.NullMarked", "org.apache.commons.logging.LogFactory",
			"io.github.bucket4j.Bucket" };

	/** JVM options of the application a worker host repeats: the GraalJS JIT setup. */
	private static final String[] JIT_OPTIONS = { "-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI",
			"-XX:+UseJVMCICompiler", "-XX:-UseJVMCICompiler", "--upgrade-module-path", "--enable-native-access",
			"--sun-misc-unsafe-memory-access" };

	private static volatile @Nullable Boolean unshare;

	private static volatile @Nullable String classpath;

	private HostLauncher() {
	}

	/**
	 * Returns how worker hosts are kept off the network, probing once.
	 * @return {@code unshare} or {@code none}
	 */
	static String network() {
		return useUnshare() ? "unshare" : "none";
	}

	private static boolean useUnshare() {
		Boolean result = unshare;
		if (result == null) {
			synchronized (HostLauncher.class) {
				result = unshare;
				if (result == null) {
					result = probeUnshare();
					unshare = result;
					if (result) {
						logger.info("Worker hosts start in an empty network namespace (unshare --net): they have no"
								+ " network at all");
					}
					else {
						logger.warn("Worker hosts start WITHOUT a network namespace: 'unshare --net' does not work on"
								+ " this OS or for this user. Guests still cannot open sockets (the sandbox denies it),"
								+ " but the host process itself is not cut off from the network.");
					}
				}
			}
		}
		return result;
	}

	private static boolean probeUnshare() {
		try {
			ProcessBuilder builder = new ProcessBuilder("unshare", "--net", "true");
			builder.environment().clear();
			builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
			Process process = builder.start();
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return false;
			}
			return process.exitValue() == 0;
		}
		catch (java.io.IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	static ProcessBuilder processBuilder(long heap, Path socket) {
		List<String> command = new ArrayList<>();
		if (useUnshare()) {
			command.add("unshare");
			command.add("--net");
			command.add("--");
		}
		command.add(javaBinary());
		command.add("-Xmx" + (heap / (1024 * 1024)) + "m");
		command.add("-XX:+ExitOnOutOfMemoryError");
		command.add("-XX:+UseSerialGC");
		for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
			for (String allowed : JIT_OPTIONS) {
				if (option.equals(allowed) || option.startsWith(allowed + "=")) {
					command.add(option);
				}
			}
		}
		command.add("-cp");
		command.add(classpath());
		command.add(WorkerHostMain.class.getName());
		command.add(socket.toString());
		ProcessBuilder builder = new ProcessBuilder(command);
		// Nothing of the application's environment: no credentials, no proxies, no paths.
		builder.environment().clear();
		builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
		return builder;
	}

	static String javaBinary() {
		return ProcessHandle.current()
			.info()
			.command()
			.orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

	static String classpath() {
		String known = classpath;
		if (known == null) {
			// Computed once: from an executable jar it copies jars out.
			known = computeClasspath();
			classpath = known;
		}
		return known;
	}

	private static String computeClasspath() {
		Set<String> entries = new LinkedHashSet<>();
		Set<NestedJars.Nested> nested = new LinkedHashSet<>();
		for (String name : CORE_CLASSES) {
			URL url = codeSource(name);
			NestedJars.Nested inner = (url != null) ? NestedJars.parse(url.toString()) : null;
			if (inner != null) {
				nested.add(inner);
				continue;
			}
			String location = location(url);
			if (location != null) {
				entries.add(location);
			}
		}
		URL engine = codeSource("org.graalvm.polyglot.Context");
		if (!nested.isEmpty() || (engine != null && NestedJars.parse(engine.toString()) != null)) {
			// A Spring Boot executable jar: copy the core's and the engine's jars out.
			try {
				entries.addAll(NestedJars.extract(HostLauncher.class.getClassLoader(), nested));
			}
			catch (java.io.IOException ex) {
				throw new IllegalStateException("The worker host jars could not be copied out of the application's"
						+ " jar into java.io.tmpdir: " + ex.getMessage(), ex);
			}
		}
		for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
			String file = Path.of(entry).getFileName() != null ? Path.of(entry).getFileName().toString() : "";
			if (entry.contains(File.separator + "org" + File.separator + "graalvm" + File.separator)
					|| file.startsWith("icu4j")) {
				entries.add(entry);
			}
		}
		return String.join(File.pathSeparator, entries);
	}

	private static @Nullable URL codeSource(String className) {
		try {
			CodeSource source = Class.forName(className, false, HostLauncher.class.getClassLoader())
				.getProtectionDomain()
				.getCodeSource();
			return (source != null) ? source.getLocation() : null;
		}
		catch (ClassNotFoundException | SecurityException ex) {
			return null;
		}
	}

	private static @Nullable String location(@Nullable URL url) {
		if (url == null) {
			return null;
		}
		try {
			return Path.of(url.toURI()).toString();
		}
		catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException ex) {
			return null;
		}
	}

}
