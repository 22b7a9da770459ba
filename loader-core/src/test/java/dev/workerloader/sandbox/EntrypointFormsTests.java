package dev.workerloader.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerException;
import dev.workerloader.WorkerRequest;
import dev.workerloader.WorkerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Entrypoints as on Cloudflare (issue 19): class entrypoints extending
 * {@code WorkerEntrypoint} from the built-in {@code cloudflare:workers} module, beside
 * object exports, and {@code fetch(request, env, ctx)} handlers called from Java.
 */
class EntrypointFormsTests {

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
	void classEntrypointSeesEnvAndPropsThroughThis() {
		WorkerCode code = WorkerCode.builder().module("agent.js", """
				import { WorkerEntrypoint } from "cloudflare:workers";
				export class Agent extends WorkerEntrypoint {
				  async run(p) { return this.env.GREETING + ' ' + p.name + ' for ' + this.ctx.props.tenant; }
				}
				export default { hi() { return 'object export'; } };""").env("GREETING", "hello").build();
		try (Worker worker = loader.load(code)) {
			assertThat(worker.getEntrypoint("Agent", Map.of("tenant", "t1")).call("run", Map.of("name", "bob")))
				.isEqualTo("hello bob for t1");
			assertThat(worker.getEntrypoint().call("hi")).isEqualTo("object export");
		}
	}

	@Test
	void defaultClassExportIsConstructedPerInvocation() {
		WorkerCode code = WorkerCode.of("""
				import { WorkerEntrypoint } from 'cloudflare:workers';
				let constructed = 0;
				export default class extends WorkerEntrypoint {
				  constructor(ctx, env) { super(ctx, env); constructed++; this.count = 0; }
				  bump() { return [++this.count, constructed]; }
				}""");
		try (Worker worker = loader.get("class-default", code)) {
			assertThat(worker.getEntrypoint().call("bump")).isEqualTo(List.of(1, 1));
			assertThat(worker.getEntrypoint().call("bump")).isEqualTo(List.of(1, 2));
		}
	}

	@Test
	void missingMethodOfAClassEntrypointIsALoadError() {
		WorkerCode code = WorkerCode.of("export class Agent { run() { return 1; } }");
		try (Worker worker = loader.load(code)) {
			assertThatExceptionOfType(WorkerException.class)
				.isThrownBy(() -> worker.getEntrypoint("Agent", Map.of()).call("walk"))
				.withMessageContaining("has no method 'walk'");
		}
	}

	@Test
	void fetchHandlerServesARequestFromJava() {
		WorkerCode code = WorkerCode.of("""
				export default {
				  async fetch(request, env, ctx) {
				    const url = new URL(request.url);
				    if (url.pathname === '/echo') {
				      const body = await request.json();
				      return Response.json({ method: request.method, q: url.searchParams.get('q'), body,
				        agent: request.headers.get('user-agent') }, { headers: { 'x-worker': 'yes' } });
				    }
				    if (url.pathname === '/bytes') return new Response(new Uint8Array([0, 255, 7]), { status: 201 });
				    return new Response('not found', { status: 404, statusText: 'Not Found' });
				  }
				}""");
		try (Worker worker = loader.load(code)) {
			WorkerResponse echo = worker.getEntrypoint()
				.fetch(new WorkerRequest("POST", "https://app.example/echo?q=1",
						Map.of("content-type", List.of("application/json"), "user-agent", List.of("junit")),
						"{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
			assertThat(echo.status()).isEqualTo(200);
			assertThat(echo.header("X-Worker")).isEqualTo("yes");
			assertThat(echo.header("content-type")).isEqualTo("application/json");
			assertThat(echo.text())
				.isEqualTo("{\"method\":\"POST\",\"q\":\"1\",\"body\":{\"a\":1},\"agent\":\"junit\"}");
			WorkerResponse bytes = worker.getEntrypoint().fetch(WorkerRequest.get("https://app.example/bytes"));
			assertThat(bytes.status()).isEqualTo(201);
			assertThat(bytes.body()).containsExactly(0, 255, 7);
			WorkerResponse missing = worker.getEntrypoint().fetch(WorkerRequest.get("https://app.example/x"));
			assertThat(missing.status()).isEqualTo(404);
			assertThat(missing.statusText()).isEqualTo("Not Found");
			assertThat(missing.text()).isEqualTo("not found");
		}
	}

	@Test
	void fetchHandlerOfAClassEntrypoint() {
		WorkerCode code = WorkerCode.builder().module("agent.js", """
				import { WorkerEntrypoint } from 'cloudflare:workers';
				export default class extends WorkerEntrypoint {
				  async fetch(request) { return new Response(this.env.NAME + ' ' + request.method); }
				}""").env("NAME", "worker").build();
		try (Worker worker = loader.load(code)) {
			assertThat(worker.getEntrypoint().fetch(WorkerRequest.get("https://app.example/")).text())
				.isEqualTo("worker GET");
		}
	}

	@Test
	void fetchHandlerThatReturnsNoResponseIsATypeError() {
		try (Worker worker = loader.load(WorkerCode.of("export default { fetch() { return { status: 200 }; } }"))) {
			assertThatExceptionOfType(WorkerException.class)
				.isThrownBy(() -> worker.getEntrypoint().fetch(WorkerRequest.get("https://app.example/")))
				.satisfies((ex) -> {
					assertThat(ex.getName()).isEqualTo("TypeError");
					assertThat(ex.getMessage()).contains("must return a Response");
				});
		}
	}

}
