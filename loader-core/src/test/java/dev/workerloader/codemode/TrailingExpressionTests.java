package dev.workerloader.codemode;

import java.util.List;
import java.util.Map;

import dev.workerloader.codemode.CodeNormalizer.Shape;
import dev.workerloader.sandbox.GraalWorkerLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model code often ends with the value it means rather than {@code return} (issue 15):
 * the normalizer returns the value of a trailing expression statement, and leaves every
 * other last statement alone. Run for real in a sandbox.
 */
class TrailingExpressionTests {

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void startLoader() {
		loader = GraalWorkerLoader.builder().build();
	}

	@AfterAll
	static void stopLoader() {
		loader.close();
	}

	private static Object run(String code) {
		RunResult result = loader.run(code, Map.of("items", List.of(3, 1, 2)));
		assertThat(result.error()).as("error of %s", code).isNull();
		return result.value();
	}

	@Test
	void trailingExpressionAfterSemicolonsIsTheResult() {
		assertThat(run("const items = param.items;\nitems.length")).isEqualTo(3);
		assertThat(run("const items = param.items;\nitems.map((x) => x * 2);\n")).isEqualTo(List.of(6, 2, 4));
	}

	@Test
	void trailingExpressionWithoutSemicolonsIsTheResult() {
		assertThat(run("let a = 1\nlet b = 2\na + b")).isEqualTo(3);
	}

	@Test
	void chainContinuedOnLaterLinesIsOneExpression() {
		assertThat(run("const items = [...param.items]\nitems\n  .sort()\n  .join(',')")).isEqualTo("1,2,3");
	}

	@Test
	void stringsTemplatesRegexesAndCommentsDoNotEndStatements() {
		assertThat(run("const s = 'a;b}'\ns.split(';')")).isEqualTo(List.of("a", "b}"));
		assertThat(run("const n = 2;\n`n=${ { v: n }.v };}`")).isEqualTo("n=2;}");
		assertThat(run("const r = /;}/g\n'x;}y'.replace(r, '')")).isEqualTo("xy");
		assertThat(run("const a = 41;\na + 1 // the answer; }\n/* done; */")).isEqualTo(42);
	}

	@Test
	void awaitedTrailingExpressionIsTheResult() {
		assertThat(run("const p = Promise.resolve(7);\nawait p")).isEqualTo(7);
	}

	@Test
	void explicitReturnStillWins() {
		assertThat(run("if (param.items.length > 2) {\n  return 'many';\n}\n'few'")).isEqualTo("many");
	}

	@ParameterizedTest
	@ValueSource(
			strings = { "const a = 1;\nconst b = a + 1;", "let total = 0\nfor (const i of param.items) { total += i }",
					"const x = 1;\nif (x) {\n  console.log(x)\n}", "const o = {\n  a: 1\n};\nthrow new Error('boom')",
					"try {\n  JSON.parse('{')\n} catch (e) {\n  console.log(e.name)\n}", "let x = (1\n+ 2",
					"label: for (;;) { break label }" })
	void otherLastStatementsAreLeftAlone(String body) {
		assertThat(CodeNormalizer.returnTrailingExpression(body)).isEqualTo(body);
	}

	@Test
	void onlyTheLastStatementGetsTheReturn() {
		assertThat(CodeNormalizer.returnTrailingExpression("const a = [1]\na.push(2)\na.length"))
			.isEqualTo("const a = [1]\na.push(2)\nreturn a.length");
		assertThat(new CodeNormalizer().normalize("const a = 1;\na").shape()).isEqualTo(Shape.FUNCTION_BODY);
	}

	@Test
	void largeBodyIsScannedInOnePass() {
		StringBuilder body = new StringBuilder();
		for (int i = 0; i < 50_000; i++) {
			body.append("x = (x + ").append(i).append(") % 7; // step ").append(i).append('\n');
		}
		String code = "let x = 0\n" + body + "x";
		assertThat(CodeNormalizer.returnTrailingExpression(code)).endsWith("\nreturn x");
	}

}
