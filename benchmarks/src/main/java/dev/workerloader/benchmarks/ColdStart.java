package dev.workerloader.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import com.sun.net.httpserver.HttpServer;

/**
 * The first requests after an instance starts (issue 18): sends {@code requests} requests
 * one after another to a just-started demo app, each a tiny fresh worker of never-seen
 * code (or the same code with {@code same}), and prints the latency curve in buckets of
 * 100 requests (p50 and p90 of each) and the whole run's p50 and p99.
 * <p>
 * The driver is a JVM too, and a cold {@code HttpClient} adds milliseconds to each of its
 * first requests. So before the app starts, it warms its own client against a stub server
 * of its own on loopback, then writes the file {@code args[4]} (the script starts the app
 * when it appears), waits until {@code args[5]} (the readiness probe) answers 200, and
 * only then measures.
 */
public final class ColdStart {

	private ColdStart() {
	}

	public static void main(String[] args) throws Exception {
		String url = args[0];
		int requests = Integer.parseInt(args[1]);
		String label = args[2];
		boolean unique = args.length < 4 || !"same".equals(args[3]);
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		if (args.length > 5) {
			warmClient(client);
			Files.writeString(Path.of(args[4]), "warm");
			awaitReady(client, URI.create(args[5]));
		}
		long[] latencies = new long[requests];
		int errors = 0;
		for (int i = 0; i < requests; i++) {
			HttpRequest request = request(URI.create(url), i, unique);
			long t0 = System.nanoTime();
			HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
			latencies[i] = System.nanoTime() - t0;
			if (response.statusCode() != 200) {
				errors++;
			}
		}
		StringBuilder curve = new StringBuilder();
		for (int from = 0; from < requests; from += 100) {
			long[] bucket = Arrays.copyOfRange(latencies, from, Math.min(requests, from + 100));
			Arrays.sort(bucket);
			curve.append(String.format(" %d-%d: p50 %.2f p90 %.2f;", from + 1, from + bucket.length,
					bucket[bucket.length / 2] / 1e6, bucket[bucket.length * 9 / 10] / 1e6));
		}
		long[] all = latencies.clone();
		Arrays.sort(all);
		System.out.printf("%s (%s code): first %d requests p50 %.2f ms, p99 %.2f ms, errors %d; ms per bucket:%s%n",
				label, unique ? "never-seen" : "same", requests, all[requests / 2] / 1e6,
				all[requests * 99 / 100] / 1e6, errors, curve);
	}

	/** Sends the driver's own requests to a stub on loopback for 8 s. */
	private static void warmClient(HttpClient client) throws IOException, InterruptedException {
		byte[] reply = "{\"value\":{\"s\":4950,\"p\":{\"n\":1}},\"logs\":[]}".getBytes(StandardCharsets.UTF_8);
		HttpServer stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		stub.createContext("/", (exchange) -> {
			exchange.getRequestBody().readAllBytes();
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, reply.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(reply);
			}
		});
		stub.start();
		try {
			URI uri = URI.create("http://127.0.0.1:" + stub.getAddress().getPort() + "/api/agents/run");
			long end = System.nanoTime() + 8_000_000_000L;
			for (int i = 0; System.nanoTime() < end; i++) {
				client.send(request(uri, i, true), HttpResponse.BodyHandlers.ofString());
			}
		}
		finally {
			stub.stop(0);
		}
	}

	private static void awaitReady(HttpClient client, URI readiness) throws InterruptedException {
		HttpRequest probe = HttpRequest.newBuilder(readiness).GET().build();
		while (true) {
			try {
				if (client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(50);
		}
	}

	/** HttpLoad's tiny agent: new code for each {@code i}, or always the same. */
	private static HttpRequest request(URI uri, int i, boolean unique) {
		return HttpRequest.newBuilder(uri)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(HttpLoad.body(unique ? i : 0)))
			.build();
	}

}
