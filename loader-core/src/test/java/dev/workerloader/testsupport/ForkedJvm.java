package dev.workerloader.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a main class of the test classpath in a separate JVM with a small heap, for tests
 * whose failure mode is the JVM itself (memory bombs): the test JVM stays safe.
 */
public final class ForkedJvm {

	private ForkedJvm() {
	}

	/**
	 * Runs {@code mainClass} with {@code -Xmx256m}, waits for it, asserts a zero exit
	 * code and returns its combined output.
	 * @param mainClass the class to run
	 * @param timeout how long to wait before killing it
	 * @return the output
	 */
	public static String run(String mainClass, Duration timeout) throws IOException, InterruptedException {
		Result result = exec(List.of("-Xmx256m"), mainClass, timeout);
		System.out.println(result.output());
		assertThat(result.exitCode()).as(result.output()).isZero();
		return result.output();
	}

	/**
	 * Runs {@code mainClass} with the given JVM options (plus a 4 MB stack and, on JDK
	 * 24+, native and {@code Unsafe} access), waits for it and returns its exit code and
	 * combined output, whatever the exit code.
	 * @param jvmOptions the JVM options
	 * @param mainClass the class to run
	 * @param timeout how long to wait before killing it
	 * @param args the program arguments
	 * @return the exit code and output
	 */
	public static Result exec(List<String> jvmOptions, String mainClass, Duration timeout, String... args)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.add("-Xss4m");
		command.add("-Dpolyglot.engine.WarnInterpreterOnly=false");
		if (Runtime.version().feature() >= 24) {
			command.add("--enable-native-access=ALL-UNNAMED");
			command.add("--sun-misc-unsafe-memory-access=allow");
		}
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(mainClass);
		command.addAll(List.of(args));
		// Output goes to a file: a full pipe would block a chatty JVM until the timeout.
		Path output = Files.createTempFile("forked-jvm", ".log");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
			int exitCode = process.waitFor();
			return new Result(exitCode, Files.readString(output, StandardCharsets.UTF_8));
		}
		finally {
			Files.deleteIfExists(output);
		}
	}

	/**
	 * What a forked JVM did.
	 *
	 * @param exitCode its exit code
	 * @param output its standard output and error
	 */
	public record Result(int exitCode, String output) {
	}

}
