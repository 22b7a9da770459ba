package dev.workerloader.benchmarks;

/**
 * Guest code used by the benchmarks.
 */
final class Scripts {

	static final String TINY = "export default { run(p) { return p + 1; } }";

	static final String FIB_AND_JSON = """
			function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
			function document() {
			  const items = [];
			  for (let i = 0; i < 400; i++) {
			    items.push({ id: i, name: 'item-' + i, tags: ['a', 'b', 'c'], price: i * 1.25, active: i % 2 === 0,
			      nested: { x: i, y: 'y'.repeat(20) } });
			  }
			  return { items, total: items.length };
			}
			export default {
			  compute() {
			    const f = fib(25);
			    const json = JSON.stringify(document());
			    const back = JSON.parse(json);
			    return { f, size: json.length, total: back.total };
			  }
			};
			""";

	static final String BINDING_CALLS = """
			export default {
			  run(p, env) {
			    let sum = 0;
			    for (let i = 0; i < 100; i++) { sum += env.COUNTER.add(i); }
			    return sum;
			  }
			};
			""";

	private Scripts() {
	}

	/**
	 * A module of about 60 KB: 400 small functions.
	 * @param salt makes the text unique, so the parse cache misses
	 * @return the module source
	 */
	static String large(String salt) {
		StringBuilder source = new StringBuilder("// ").append(salt).append('\n');
		for (int i = 0; i < 400; i++) {
			source.append("export function f")
				.append(i)
				.append("(a, b) { const s = a * ")
				.append(i)
				.append(" + b; return s > 100 ? s - 100 : s + ")
				.append(i)
				.append("; }\n");
			source.append("const table")
				.append(i)
				.append(" = [")
				.append(i)
				.append(", ")
				.append(i + 1)
				.append(", 'value-")
				.append(i)
				.append("'];\n");
		}
		source.append("export default { run(p) { return f1(p, 2) + f399(p, 3); } };\n");
		return source.toString();
	}

}
