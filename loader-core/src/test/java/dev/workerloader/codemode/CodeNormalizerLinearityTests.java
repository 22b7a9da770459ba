package dev.workerloader.codemode;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.workerloader.WorkerLoadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@link CodeNormalizer} on hostile model output (issue 13): inputs shaped to make a
 * backtracking or rescanning normalizer quadratic, at the size cap. The bound is generous
 * (seconds where a linear pass takes milliseconds and a quadratic one hours), not a speed
 * target.
 *
 * @author Worker Loader team
 */
class CodeNormalizerLinearityTests {

	private static final int SIZE = CodeNormalizer.MAX_LENGTH - 64;

	private final CodeNormalizer normalizer = new CodeNormalizer();

	static Stream<Arguments> hostileInputs() {
		return Stream.of(Arguments.of("blank lines", (Supplier<String>) () -> "\n".repeat(SIZE) + "1"),
				Arguments.of("blank lines with spaces", (Supplier<String>) () -> " \n".repeat(SIZE / 2) + "1"),
				Arguments.of("backticks on one line", (Supplier<String>) () -> "```js ".repeat(SIZE / 6)),
				Arguments.of("many default exports",
						(Supplier<String>) () -> "export default {".repeat(SIZE / 16) + " run() {} }"),
				Arguments.of("semicolons", (Supplier<String>) () -> "1" + ";".repeat(SIZE)),
				Arguments.of("semicolons and spaces", (Supplier<String>) () -> "1" + "; ".repeat(SIZE / 2)),
				Arguments.of("unclosed fences", (Supplier<String>) () -> "```\n".repeat(SIZE / 4)),
				Arguments.of("async without function", (Supplier<String>) () -> "async\n".repeat(SIZE / 6) + "1"),
				Arguments.of("export without default", (Supplier<String>) () -> "export ".repeat(SIZE / 7) + "1"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("hostileInputs")
	void hostileInputIsNormalizedOrRefusedInLinearTime(String name, Supplier<String> input) {
		String text = input.get();
		assertThat(text.length()).isLessThanOrEqualTo(CodeNormalizer.MAX_LENGTH);
		assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
			try {
				assertThat(this.normalizer.normalize(text).source()).isNotEmpty();
			}
			catch (WorkerLoadException ex) {
				assertThat(ex.getName()).isEqualTo("NoRunnableCode");
			}
		});
	}

	@Test
	void inputOverTheCapIsRefusedBeforeAnyPatternRuns() {
		String text = "\n".repeat(CodeNormalizer.MAX_LENGTH) + "1";
		assertThatExceptionOfType(WorkerLoadException.class).isThrownBy(() -> this.normalizer.normalize(text))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("CodeTooLarge"))
			.withMessageContaining("over the " + CodeNormalizer.MAX_LENGTH + " characters");
	}

	@Test
	void fencesAreStillFoundByScanning() {
		CodeNormalizer.NormalizedCode code = this.normalizer
			.normalize("Here it is:\n```python\nprint(1)\n```\n```js\nreturn 40 + 2;\n```\nDone.");
		assertThat(code.shape()).isEqualTo(CodeNormalizer.Shape.FUNCTION_BODY);
		assertThat(code.source()).contains("return 40 + 2;").doesNotContain("print(1)");
	}

	@Test
	void preferredMethodIsFoundAfterTheDefaultExport() {
		assertThat(
				this.normalizer.normalize("export default {\n  helper() {},\n  async run(p) { return p; }\n}").method())
			.isEqualTo("run");
	}

}
