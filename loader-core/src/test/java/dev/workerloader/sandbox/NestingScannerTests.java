package dev.workerloader.sandbox;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The nesting-depth tokenizer counts brackets of code only.
 */
class NestingScannerTests {

	@Test
	void countsNestedBracketsOfAllKinds() {
		assertThat(depth("f([{a: (1)}])")).isEqualTo(4);
	}

	@Test
	void ignoresBracketsInStrings() {
		assertThat(depth("const s = '((((' + \"[[[[\\\"{{{{\";")).isZero();
	}

	@Test
	void ignoresBracketsInComments() {
		assertThat(depth("// ((((\n/* [[[[\n{{{{ */ x")).isZero();
	}

	@Test
	void countsTemplateSubstitutionsButNotTemplateText() {
		assertThat(depth("`(((( ${ f(`[[ ${ [1] } ]]`) } ))))`")).isEqualTo(4);
	}

	@Test
	void ignoresBracketsInRegularExpressionLiterals() {
		assertThat(depth("const r = /[(/]{2}\\(/g; if (x) { return /(((/.test(s); }")).isEqualTo(2);
	}

	@Test
	void treatsSlashAfterAnOperandAsDivision() {
		assertThat(depth("const q = (a) / 2 / (b); const r = x / (y)")).isEqualTo(1);
	}

	@Test
	void reportsWhereTheDeepestNestingIsFirstReached() {
		NestingScanner.Depth depth = NestingScanner.scan("a;\n  f((b))");
		assertThat(depth.max()).isEqualTo(2);
		assertThat(depth.line()).isEqualTo(2);
		assertThat(depth.column()).isEqualTo(5);
	}

	private static int depth(String source) {
		return NestingScanner.scan(source).max();
	}

}
