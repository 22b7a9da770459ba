package dev.workerloader.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small HTTP server on 127.0.0.1 for the egress tests: fixed answers, redirects, large
 * and slow bodies, and a record of the Authorization headers it received.
 */
final class EgressTestServer implements AutoCloseable {

	private final HttpServer server;

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	final List<String> authorizations = new CopyOnWriteArrayList<>();

	final Map<String, Integer> hits = new ConcurrentHashMap<>();

	EgressTestServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.setExecutor(this.executor);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	int port() {
		return this.server.getAddress().getPort();
	}

	String url(String path) {
		return "http://127.0.0.1:" + port() + path;
	}

	private void handle(HttpExchange exchange) throws IOException {
		String path = exchange.getRequestURI().getPath();
		this.hits.merge(path, 1, Integer::sum);
		String auth = exchange.getRequestHeaders().getFirst("Authorization");
		if (auth != null) {
			this.authorizations.add(auth);
		}
		switch (path) {
			case "/hello" -> {
				exchange.getResponseHeaders().add("X-Test", "yes");
				exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
				send(exchange, 200, "hello from " + exchange.getRequestHeaders().getFirst("Host"));
			}
			case "/json" -> {
				exchange.getResponseHeaders().add("Content-Type", "application/json");
				send(exchange, 200, "{\"answer\":42,\"method\":\"" + exchange.getRequestMethod() + "\",\"body\":\""
						+ new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) + "\"}");
			}
			case "/private" -> send(exchange, (auth != null) ? 200 : 401, (auth != null) ? "authorized" : "missing");
			case "/echo" -> {
				// A careless server that reflects the credential it received.
				exchange.getResponseHeaders().add("X-Echo", String.valueOf(auth));
				send(exchange, 200, "{\"you sent\": \"" + auth + "\"}");
			}
			case "/bytes" -> {
				byte[] bytes = new byte[256];
				for (int i = 0; i < bytes.length; i++) {
					bytes[i] = (byte) i;
				}
				exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
				exchange.sendResponseHeaders(200, bytes.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(bytes);
				}
			}
			case "/missing" -> send(exchange, 404, "not here");
			case "/redirect-ok" -> redirect(exchange, "/hello");
			case "/redirect-loop" -> redirect(exchange, "/redirect-loop");
			case "/redirect-blocked" -> redirect(exchange, "http://blocked.example.test/steal");
			case "/redirect-metadata" -> redirect(exchange, "http://169.254.169.254/latest/meta-data/");
			case "/big" -> send(exchange, 200, "x".repeat(10_000));
			case "/big-chunked" -> {
				exchange.sendResponseHeaders(200, 0);
				try (OutputStream out = exchange.getResponseBody()) {
					for (int i = 0; i < 10; i++) {
						out.write("y".repeat(1000).getBytes(StandardCharsets.UTF_8));
						out.flush();
					}
				}
				catch (IOException ex) {
					// The client gave up reading, as it should.
				}
			}
			case "/slow" -> {
				try {
					Thread.sleep(3000);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				send(exchange, 200, "late");
			}
			default -> send(exchange, 404, "unknown");
		}
	}

	private static void redirect(HttpExchange exchange, String location) throws IOException {
		exchange.getResponseHeaders().add("Location", location);
		exchange.sendResponseHeaders(302, -1);
		exchange.close();
	}

	private static void send(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
		catch (IOException ex) {
			// The client gave up reading (size limit).
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
