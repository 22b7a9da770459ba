package dev.workerloader.sandbox;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import org.junit.jupiter.api.Test;

class SmokeTests {

	@Test
	void smoke() throws Exception {
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().build()) {
			WorkerCode code = WorkerCode.builder()
				.module("agent.js", "import {twice} from './lib/util.js'; import cfg from './config.json'; import p from './prompt.txt';\n"
						+ "export default { async myAgent(param, env, ctx) { console.log('hi', param, {a:1}); return {v: twice(param.n), cfg, p, g: env.GREETING, props: ctx.props}; },\n"
						+ " boom() { throw new TypeError('bad'); } }")
				.module("lib/util.js", "export function twice(x) { return x * 2; }")
				.jsonModule("config.json", "{\"a\": [1,2]}")
				.textModule("prompt.txt", "hello\n\"world\"")
				.env("GREETING", "hello")
				.build();
			try (Worker worker = loader.load(code)) {
				System.out.println(worker.getEntrypoint().invoke("myAgent", java.util.Map.of("n", 21)));
				try {
					worker.getEntrypoint().call("boom");
				}
				catch (Exception ex) {
					System.out.println(ex + " // " + ((dev.workerloader.WorkerException) ex).getGuestStack());
				}
			}
			System.out.println(loader.runtime());
		}
	}

}
