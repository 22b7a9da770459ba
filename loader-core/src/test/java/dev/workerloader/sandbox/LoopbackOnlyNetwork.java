package dev.workerloader.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The network of every test JVM (issue 12): below the egress guard, {@code fetch()} may
 * only ever connect to loopback. Host names other than {@code localhost} do not resolve
 * (no DNS query leaves the machine), IP literals resolve to themselves, and a connection
 * to a non-loopback address is refused and recorded, which fails the running test even if
 * the test itself only expected "some error". So an egress test cannot reach a real
 * address even when the guard it tests is broken.
 * <p>
 * Registered for every test of the modules that use loader-core's test-jar through JUnit
 * extension auto-detection ({@code META-INF/services}, switched on in the surefire
 * configuration of the root pom).
 *
 * @author Worker Loader team
 */
public final class LoopbackOnlyNetwork
		implements NetworkAccess.Network, BeforeAllCallback, AfterEachCallback, AfterAllCallback {

	private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

	private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%.*)?");

	private static final Queue<String> violations = new ConcurrentLinkedQueue<>();

	/**
	 * Returns whether the loopback-only network is the one {@code fetch()} uses now.
	 * @return whether it is installed
	 */
	public static boolean isInstalled() {
		return NetworkAccess.current() instanceof LoopbackOnlyNetwork;
	}

	/**
	 * Returns and forgets the refused connections so far, for a test that provokes one on
	 * purpose.
	 * @return the refused destinations
	 */
	public static List<String> takeViolations() {
		List<String> taken = new ArrayList<>();
		for (String violation = violations.poll(); violation != null; violation = violations.poll()) {
			taken.add(violation);
		}
		return taken;
	}

	@Override
	public InetAddress[] resolve(String host) throws UnknownHostException {
		String name = host.toLowerCase(Locale.ROOT);
		if (name.equals("localhost") || name.endsWith(".localhost")) {
			return new InetAddress[] { InetAddress.getByAddress(host, new byte[] { 127, 0, 0, 1 }),
					InetAddress.getByAddress(host, new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }) };
		}
		InetAddress literal = literal(name);
		if (literal != null) {
			return new InetAddress[] { literal };
		}
		throw new UnknownHostException(host + " (tests resolve no names but localhost)");
	}

	@Override
	public void beforeConnect(URI pinned, InetAddress address, int port) throws IOException {
		String host = pinned.getHost();
		String bare = (host != null && host.startsWith("[")) ? host.substring(1, host.length() - 1) : host;
		InetAddress pinnedAddress = (bare != null) ? literal(bare) : null;
		boolean pinnedLoopback = pinnedAddress != null && pinnedAddress.isLoopbackAddress();
		if (!address.isLoopbackAddress() || !pinnedLoopback) {
			String destination = address.getHostAddress() + ":" + port + " (" + pinned.getHost() + ")";
			violations.add(destination);
			throw new IOException("Tests may only connect to loopback, not " + destination);
		}
	}

	/**
	 * Parses an IP literal without any lookup, or returns {@code null}.
	 */
	private static @Nullable InetAddress literal(String text) throws UnknownHostException {
		if (IPV4.matcher(text).matches()) {
			String[] parts = text.split("\\.");
			byte[] bytes = new byte[4];
			for (int i = 0; i < 4; i++) {
				int octet = Integer.parseInt(parts[i]);
				if (octet > 255) {
					return null;
				}
				bytes[i] = (byte) octet;
			}
			return InetAddress.getByAddress(bytes);
		}
		if (IPV6.matcher(text).matches()) {
			// Only hex digits, colons and dots: the JDK parses it as a literal, no
			// lookup.
			return InetAddress.getByName(text.replaceAll("%.*$", ""));
		}
		return null;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		// Before the first test class runs; installing again is harmless.
		if (!isInstalled()) {
			NetworkAccess.install(this);
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		failOnViolations(context);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		failOnViolations(context);
	}

	private static void failOnViolations(ExtensionContext context) {
		List<String> refused = takeViolations();
		if (!refused.isEmpty()) {
			throw new AssertionError(context.getDisplayName() + ": fetch() tried to connect to " + refused
					+ ", which is not loopback; the egress guard let it through. The test network refused it.");
		}
	}

}
