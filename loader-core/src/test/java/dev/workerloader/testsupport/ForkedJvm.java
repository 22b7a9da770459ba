package dev.workerloader.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx256m");
		command.add("-Xss4m");
		command.add("-Dpolyglot.engine.WarnInterpreterOnly=false");
		if (Runtime.version().feature() >= 24) {
			command.add("--enable-native-access=ALL-UNNAMED");
			command.add("--sun-misc-unsafe-memory-access=allow");
		}
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(mainClass);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		byte[] bytes;
		try {
			if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
		finally {
			bytes = process.getInputStream().readAllBytes();
		}
		String output = new String(bytes, StandardCharsets.UTF_8);
		System.out.println(output);
		assertThat(process.exitValue()).as(output).isZero();
		return output;
	}

}
