package dev.workerloader.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Memory bombs run in a forked JVM with a 256 MiB heap: each is stopped with
 * {@code MEMORY}, by the per-invocation budget or by the heap guard, and that JVM
 * survives and keeps serving.
 */
class MemoryBombTests {

	@Test
	void memoryBombsAreStoppedAndASmallHeapJvmSurvives() throws Exception {
		String output = runForked(MemoryBombMain.class.getName());
		assertThat(output).contains("SURVIVED", "FRESH pong", "BYSTANDER ok");
		for (String[] bomb : MemoryBombMain.BOMBS) {
			assertThat(output).contains("RESULT " + bomb[0] + " budget MEMORY");
			assertThat(output).contains("RESULT " + bomb[0] + " guard MEMORY");
		}
	}

	private static String runForked(String mainClass) throws IOException, InterruptedException {
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
			if (!process.waitFor(240, TimeUnit.SECONDS)) {
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
