package dev.workerloader.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A closed-loop HTTP load driver: {@code concurrency} clients post the same agent to
 * {@code url} back to back for {@code seconds}, after a warm-up, and print p50, p99 and
 * requests per second. Used against the demo app and against the node baseline with the
 * same body, so that the result is a ratio. With a fifth argument {@code unique}, every
 * request carries code that the server has never seen (issue 18: every model output is
 * new), so that each one misses the parse cache.
 */
public final class HttpLoad {

	static final String BODY = body(0);

	/** Distinguishes the code of one run from another's against the same server. */
	private static final long RUN = System.nanoTime();

	private static final AtomicLong sequence = new AtomicLong();

	/** The tiny agent; {@code seed} changes its first statement, and so its hash. */
	static String body(long seed) {
		return "{\"code\":\"export default { run(p) { let s = " + seed
				+ "; for (let i = 0; i < 100; i++) { s += i; } return { s, p }; } }\",\"param\":{\"n\":1}}";
	}

	private HttpLoad() {
	}

	public static void main(String[] args) throws Exception {
		String url = args[0];
		int concurrency = Integer.parseInt(args[1]);
		int seconds = Integer.parseInt(args[2]);
		String label = (args.length > 3) ? args[3] : url;
		boolean unique = args.length > 4 && "unique".equals(args[4]);
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		HttpRequest same = request(url, BODY);
		Supplier<HttpRequest> request = unique ? () -> request(url, body(RUN + sequence.incrementAndGet()))
				: () -> same;
		run(client, request, concurrency, Math.max(3, seconds / 3), null);
		List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
		long start = System.nanoTime();
		AtomicLong errors = run(client, request, concurrency, seconds, latencies);
		double elapsed = (System.nanoTime() - start) / 1e9;
		List<Long> sorted = new ArrayList<>(latencies);
		Collections.sort(sorted);
		int n = sorted.size();
		System.out.printf(
				"%s%s concurrency %d: %d requests in %.1f s = %.0f req/s, p50 %.2f ms, p99 %.2f ms, errors %d%n", label,
				unique ? " (never-seen code)" : "", concurrency, n, elapsed, n / elapsed, sorted.get(n / 2) / 1e6,
				sorted.get(Math.min(n - 1, n * 99 / 100)) / 1e6, errors.get());
	}

	private static HttpRequest request(String url, String body) {
		return HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
	}

	private static AtomicLong run(HttpClient client, Supplier<HttpRequest> request, int concurrency, int seconds,
			List<Long> latencies) throws InterruptedException {
		long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
		AtomicLong errors = new AtomicLong();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < concurrency; i++) {
			Thread thread = new Thread(() -> {
				while (System.nanoTime() < end) {
					long t0 = System.nanoTime();
					try {
						HttpResponse<String> response = client.send(request.get(),
								HttpResponse.BodyHandlers.ofString());
						if (response.statusCode() != 200) {
							errors.incrementAndGet();
						}
					}
					catch (Exception ex) {
						errors.incrementAndGet();
					}
					if (latencies != null) {
						latencies.add(System.nanoTime() - t0);
					}
				}
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		return errors;
	}

}
