package dev.workerloader.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;

/**
 * The first requests after an instance starts (issue 18): sends {@code requests} requests
 * one after another to a just-started demo app, each a tiny fresh worker of never-seen
 * code (or the same code with {@code same}), and prints the latency curve in buckets of
 * 100 requests (p50 and p90 of each) and the whole run's p50 and p99.
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
		long[] latencies = new long[requests];
		int errors = 0;
		for (int i = 0; i < requests; i++) {
			String code = unique
					? "export default { run(p) { let s = " + i
							+ "; for (let i = 0; i < 100; i++) { s += i; } return { s, p }; } }"
					: "export default { run(p) { let s = 0; for (let i = 0; i < 100; i++) { s += i; } return { s, p }; } }";
			HttpRequest request = HttpRequest.newBuilder(URI.create(url))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + code + "\",\"param\":{\"n\":1}}"))
				.build();
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

}
