package dev.workerloader;

import java.util.Map;

import dev.workerloader.codemode.CodeNormalizer;
import dev.workerloader.codemode.CodeNormalizer.NormalizedCode;
import dev.workerloader.codemode.CodeNormalizer.Shape;
import dev.workerloader.codemode.RunResult;
import dev.workerloader.sandbox.GraalWorkerLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link CodeNormalizer} on each shape language models return, run for real, and
 * {@link WorkerLoader#run(String, Object)}.
 */
class CodeModeTests {

	private static GraalWorkerLoader loader;

	private final CodeNormalizer normalizer = new CodeNormalizer();

	@BeforeAll
	static void startLoader() {
		loader = GraalWorkerLoader.builder().build();
	}

	@AfterAll
	static void stopLoader() {
		loader.close();
	}

	private Object runNormalized(String text, Shape expectedShape, Object param) {
		NormalizedCode code = this.normalizer.normalize(text);
		assertThat(code.shape()).isEqualTo(expectedShape);
		try (Worker worker = loader.load(WorkerCode.of(code.source()))) {
			return worker.getEntrypoint().call(code.method(), param);
		}
	}

	@Test
	void fencedMarkdownKeepsOnlyTheJavaScriptBlock() {
		String text = "Sure! Here is the agent:\n\n```javascript\nexport default {\n  async run(param) {\n    return param.n * 2;\n  }\n};\n```\n\nIt doubles `n`.";
		assertThat(runNormalized(text, Shape.EXPORT_DEFAULT_OBJECT, Map.of("n", 21))).isEqualTo(42);
	}

	@Test
	void exportDefaultObjectIsKeptAndItsMethodFound() {
		NormalizedCode code = this.normalizer
			.normalize("export default {\n  async myAgent(param, env) { return 'ok'; }\n}");
		assertThat(code.method()).isEqualTo("myAgent");
		assertThat(runNormalized("export default { async myAgent(p) { return p + '!'; } }", Shape.EXPORT_DEFAULT_OBJECT,
				"hi"))
			.isEqualTo("hi!");
	}

	@Test
	void exportDefaultObjectWithAnUnusualMethodNameUsesItsFirstMethod() {
		NormalizedCode code = this.normalizer
			.normalize("export default { async summarize(p) { return 1; }, helper() {} }");
		assertThat(code.method()).isEqualTo("summarize");
	}

	@Test
	void exportDefaultFunctionIsWrapped() {
		assertThat(runNormalized("export default async function (param, env) {\n  return param.a + param.b;\n}",
				Shape.EXPORT_DEFAULT_FUNCTION, Map.of("a", 1, "b", 2)))
			.isEqualTo(3);
	}

	@Test
	void bareAsyncArrowFunctionIsWrapped() {
		assertThat(runNormalized(
				"async (param, env) => {\n  const x = await Promise.resolve(param.length);\n  return x;\n}",
				Shape.ARROW_FUNCTION, "abcd"))
			.isEqualTo(4);
	}

	@Test
	void arrowFunctionWithoutParenthesesIsWrapped() {
		assertThat(runNormalized("p => p * 3;", Shape.ARROW_FUNCTION, 5)).isEqualTo(15);
	}

	@Test
	void singleNamedFunctionIsExported() {
		assertThat(runNormalized("async function summarize(param, env) {\n  return 'sum:' + param;\n}",
				Shape.NAMED_FUNCTION, "x"))
			.isEqualTo("sum:x");
	}

	@Test
	void namedFunctionWithHelpersPicksTheEntryPoint() {
		String text = "function helper(x) { return x + 1; }\nasync function main(param) { return helper(param); }";
		assertThat(runNormalized(text, Shape.NAMED_FUNCTION, 1)).isEqualTo(2);
	}

	@Test
	void functionBodyWithReturnIsWrapped() {
		String text = "const items = param.items;\nconst total = items.reduce((a, b) => a + b, 0);\nreturn { total };";
		assertThat(runNormalized(text, Shape.FUNCTION_BODY, Map.of("items", java.util.List.of(1, 2, 3))))
			.isEqualTo(Map.of("total", 6));
	}

	@Test
	void plainExpressionIsReturned() {
		assertThat(runNormalized("param.name.toUpperCase()", Shape.EXPRESSION, Map.of("name", "ann"))).isEqualTo("ANN");
	}

	@Test
	void wrappingKeepsTheModelsLineNumbersInErrors() {
		NormalizedCode code = this.normalizer
			.normalize("async (param) => {\n  const a = 1;\n  throw new Error('line three');\n}");
		try (Worker worker = loader.load(WorkerCode.of(code.source()))) {
			assertThatExceptionOfType(WorkerException.class)
				.isThrownBy(() -> worker.getEntrypoint().call(code.method()))
				.satisfies((ex) -> assertThat(ex.getGuestStack()).contains("agent.js:3"));
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "", "   \n  ", "```\n```", "```python\nprint('hi')\n```",
			"Sure, I can help with that. Let me know the details." })
	void nothingRunnableIsAClearError(String text) {
		assertThatExceptionOfType(WorkerLoadException.class).isThrownBy(() -> this.normalizer.normalize(text))
			.satisfies((ex) -> {
				assertThat(ex.getName()).isEqualTo("NoRunnableCode");
				assertThat(ex.getMessage()).startsWith("No runnable code was found").contains("Expected");
			});
	}

	@Test
	void typeScriptBlockIsRefusedWithAHint() {
		assertThatExceptionOfType(WorkerLoadException.class)
			.isThrownBy(() -> this.normalizer.normalize("```ts\nconst x: number = 1;\n```"))
			.withMessageContaining("TypeScript");
	}

	@Test
	void runReturnsValueLogsAndDurations() {
		RunResult result = loader.run("```js\nasync (param) => { console.log('got', param); return param * 2; }\n```",
				21);
		assertThat(result.isSuccess()).isTrue();
		assertThat(result.value()).isEqualTo(42);
		assertThat(result.logs()).containsExactly(new LogEntry("log", "got 21"));
		assertThat(result.error()).isNull();
		assertThat(result.loadTime()).isPositive();
		assertThat(result.wallTime()).isPositive();
	}

	@Test
	void runReportsGuestErrorsInsteadOfThrowing() {
		RunResult result = loader.run("console.log('before');\nnull.x;\nreturn 1;", null);
		assertThat(result.isSuccess()).isFalse();
		assertThat(result.error()).isNotNull();
		assertThat(result.error().name()).isEqualTo("TypeError");
		assertThat(result.error().stack()).contains("agent.js:2");
		assertThat(result.logs()).containsExactly(new LogEntry("log", "before"));
		assertThat(result.quota()).isNull();
	}

	@Test
	void runReportsSyntaxErrorsWithTheirLocation() {
		RunResult result = loader.run("export default { run() { return ( } }", null);
		assertThat(result.error()).isNotNull();
		assertThat(result.error().name()).isEqualTo("SyntaxError");
		assertThat(result.error().message()).contains("agent.js").contains("line 1");
	}

	@Test
	void runReportsTheQuotaThatStoppedARunaway() {
		RunResult result = loader.run("while (true) {}", null);
		assertThat(result.error()).isNotNull();
		assertThat(result.quota()).isEqualTo(QuotaKind.CPU_TIME);
		assertThat(result.error().message()).contains("CPU_TIME").contains("limits.cpu-time");
	}

	@Test
	void runAppliesTheCustomizer() {
		RunResult result = loader.run("env.GREETING + ' ' + param", "bob", (code) -> code.env("GREETING", "hi"));
		assertThat(result.value()).isEqualTo("hi bob");
	}

}
