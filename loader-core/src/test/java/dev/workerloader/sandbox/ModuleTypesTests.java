package dev.workerloader.sandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The module types {@code cjs} and {@code data} (issue 19), added by method, by extension
 * or in the {@code {name: {type: value}}} form of Cloudflare's Worker Loader.
 */
class ModuleTypesTests {

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void startLoader() {
		loader = GraalWorkerLoader.builder().build();
	}

	@AfterAll
	static void stopLoader() {
		loader.close();
	}

	@Test
	void commonJsModulesRequireEachOtherAndJson() {
		Map<String, Object> modules = new LinkedHashMap<>();
		modules.put("agent.js",
				"import util from './lib/util.cjs'; export default { run() { return util.twice(20) + util.name; } }");
		modules.put("lib/util.cjs", "const base = require('./base'); const cfg = require('../config.json');"
				+ " exports.twice = (x) => base.inc(x) * 2; exports.name = cfg.name;");
		modules.put("lib/base.cjs", Map.of("cjs", "module.exports = { inc: (x) => x + 1 };"));
		modules.put("config.json", Map.of("json", "{\"name\": \"!\"}"));
		try (Worker worker = loader.load(WorkerCode.builder().modules(modules).build())) {
			assertThat(worker.getEntrypoint().call("run")).isEqualTo("42!");
		}
	}

	@Test
	void requireReachesNothingButTheWorkersModules() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js",
					"import m from './m.cjs'; export default { run() { return m.tries.map((t) => { try { m.load(t); return 'loaded'; }"
							+ " catch (e) { return e.message; } }); } }")
			.cjsModule("m.cjs", "exports.tries = ['fs', '/etc/passwd', './missing']; exports.load = (x) => require(x);")
			.build();
		try (Worker worker = loader.load(code)) {
			assertThat(worker.getEntrypoint().call("run"))
				.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
				.satisfiesExactly((fs) -> assertThat(fs).asString().contains("Cannot find module 'fs'"),
						(abs) -> assertThat(abs).asString().contains("Cannot find module '/etc/passwd'"),
						(missing) -> assertThat(missing).asString().contains("Cannot find module './missing'"));
		}
	}

	@Test
	void dataModulesAreArrayBuffers() {
		Map<String, Object> modules = new LinkedHashMap<>();
		modules.put("agent.js", "import bytes from './blob.bin'; import more from './more.bin';"
				+ " export default { run() { return [bytes instanceof ArrayBuffer, Array.from(new Uint8Array(bytes)), more.byteLength]; } }");
		modules.put("blob.bin", Map.of("data", new byte[] { 0, 1, (byte) 255, 7 }));
		try (Worker worker = loader
			.load(WorkerCode.builder().modules(modules).dataModule("more.bin", new byte[1000]).build())) {
			assertThat(worker.getEntrypoint().call("run")).isEqualTo(List.of(true, List.of(0, 1, 255, 7), 1000));
		}
	}

	@Test
	void typedFormRefusesUnknownTypesAndWrongValues() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> WorkerCode.builder().modules(Map.of("a.wasm", Map.of("wasm", "x"))))
			.withMessageContaining("has type 'wasm', which is not one of js, cjs, json, text or data");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> WorkerCode.builder().modules(Map.of("a.bin", Map.of("data", "not bytes"))))
			.withMessageContaining("must be a byte[]");
	}

	@Test
	void errorInACommonJsModuleIsTheGuestsError() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", "import m from './bad.cjs'; export default { run() { return m; } }")
			.cjsModule("bad.cjs", "throw new TypeError('broken module');")
			.build();
		assertThatExceptionOfType(WorkerException.class).isThrownBy(() -> loader.load(code))
			.withMessageContaining("broken module");
	}

}
