package dev.workerloader.egress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Decides whether one hop of a worker's {@code fetch()} may go out, in two steps: the URL
 * against the policy's {@code outbound.allowed-hosts}, then every address the host
 * resolves to against the internal ranges (loopback, private, link-local, unique-local,
 * carrier-grade NAT, multicast, unspecified, cloud metadata and the clouds' host-service
 * addresses, listed with their sources in {@link InternalAddresses}). The caller then
 * connects to the checked address itself, so a second DNS answer cannot differ from the
 * one checked (issue 6). Immutable and thread-safe.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class EgressGuard {

	private static final Pattern ENTRY = Pattern.compile(
			"(?:(https?)://)?(\\*|\\*\\.[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(?::(\\d{1,5}|\\*))?/?");

	private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	private final List<HostPattern> patterns;

	private final Set<InetAddress> explicitlyAllowed;

	private final boolean loopbackAllowed;

	private final Set<String> explicitNames;

	private EgressGuard(List<HostPattern> patterns) {
		this.patterns = List.copyOf(patterns);
		Set<InetAddress> addresses = new HashSet<>();
		Set<String> names = new HashSet<>();
		boolean loopback = false;
		for (HostPattern pattern : patterns) {
			if (pattern.literal != null) {
				addresses.add(pattern.literal);
			}
			else if (!pattern.wildcard) {
				names.add(pattern.host);
				loopback |= "localhost".equals(pattern.host);
			}
		}
		this.explicitlyAllowed = Set.copyOf(addresses);
		this.explicitNames = Set.copyOf(names);
		this.loopbackAllowed = loopback;
	}

	/**
	 * Parses the entries of {@code outbound.allowed-hosts}.
	 * @param entries the entries
	 * @return the guard
	 * @throws IllegalArgumentException naming the first entry that is not valid
	 */
	public static EgressGuard of(List<String> entries) {
		List<HostPattern> patterns = new ArrayList<>();
		for (String entry : entries) {
			patterns.add(HostPattern.parse(entry));
		}
		return new EgressGuard(patterns);
	}

	/**
	 * Checks one entry of {@code outbound.allowed-hosts}.
	 * @param entry the entry
	 * @return why it is not valid, or {@code null} if it is
	 */
	public static @Nullable String validate(String entry) {
		try {
			HostPattern.parse(entry);
			return null;
		}
		catch (IllegalArgumentException ex) {
			return ex.getMessage();
		}
	}

	public boolean isEmpty() {
		return this.patterns.isEmpty();
	}

	/**
	 * Returns whether the URL's scheme, host and port match an entry.
	 */
	public boolean allowsUrl(URI uri) {
		String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
		String host = normalizeHost(uri.getHost());
		int port = effectivePort(uri);
		for (HostPattern pattern : this.patterns) {
			if (pattern.matches(scheme, host, port)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Returns why a host name is refused before it is even resolved, or {@code null}.
	 */
	public @Nullable String refuseName(String host) {
		String name = normalizeHost(host);
		if (InternalAddresses.METADATA_NAMES.contains(name) && !this.explicitNames.contains(name)) {
			return "'" + name + "' is a cloud metadata service";
		}
		return null;
	}

	/**
	 * Returns why a resolved address is refused, or {@code null} if it may be connected
	 * to.
	 */
	public @Nullable String refuseAddress(InetAddress address) {
		String kind = internalKind(address);
		if (kind == null || this.explicitlyAllowed.contains(address)
				|| (this.loopbackAllowed && address.isLoopbackAddress())) {
			return null;
		}
		return kind;
	}

	/**
	 * Classifies an address: {@code null} for a public unicast address, otherwise what
	 * kind of internal address it is. IPv6 addresses that carry an IPv4 address
	 * (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo) are classified by the IPv4
	 * address they lead to.
	 */
	static @Nullable String internalKind(InetAddress address) {
		byte[] b = address.getAddress();
		String listed = InternalAddresses.kindOf(b);
		if (listed != null) {
			return listed;
		}
		if (address instanceof Inet6Address) {
			for (byte[] embedded : embeddedIpv4(b)) {
				String kind = InternalAddresses.kindOf(embedded);
				if (kind == null) {
					kind = jdkKind(embedded);
				}
				if (kind != null) {
					return kind + " (embedded in an IPv6 address)";
				}
			}
		}
		return jdkKind(b);
	}

	private static @Nullable String jdkKind(byte[] bytes) {
		InetAddress address;
		try {
			address = InetAddress.getByAddress(bytes);
		}
		catch (UnknownHostException ex) {
			return "an unparseable address";
		}
		if (address.isAnyLocalAddress()) {
			return "an unspecified address";
		}
		if (address.isLoopbackAddress()) {
			return "a loopback address";
		}
		if (address.isLinkLocalAddress()) {
			return "a link-local address";
		}
		if (address.isSiteLocalAddress()) {
			return "a private address";
		}
		if (address.isMulticastAddress()) {
			return "a multicast address";
		}
		return null;
	}

	/**
	 * Returns the IPv4 addresses inside an IPv4-mapped, IPv4-compatible, NAT64, 6to4 or
	 * Teredo IPv6 address, or none.
	 */
	private static List<byte[]> embeddedIpv4(byte[] b) {
		boolean zeros80 = true;
		for (int i = 0; i < 10; i++) {
			zeros80 &= b[i] == 0;
		}
		boolean mapped = zeros80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
		boolean compatible = zeros80 && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0);
		// 64:ff9b::/96 (RFC 6052) and the local-use 64:ff9b:1::/48 (RFC 8215).
		boolean nat64 = b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
		if (mapped || compatible || nat64) {
			return List.of(new byte[] { b[12], b[13], b[14], b[15] });
		}
		if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
			// 6to4, 2002::/16 (RFC 3056): the IPv4 address follows the prefix.
			return List.of(new byte[] { b[2], b[3], b[4], b[5] });
		}
		if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0 && b[3] == 0) {
			// Teredo, 2001:0::/32 (RFC 4380): the server's IPv4 address in bits 32-63,
			// the
			// client's, inverted, in the last 32 bits. Either is a way in.
			return List.of(new byte[] { b[4], b[5], b[6], b[7] },
					new byte[] { (byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15] });
		}
		return List.of();
	}

	public static int effectivePort(URI uri) {
		if (uri.getPort() != -1) {
			return uri.getPort();
		}
		return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
	}

	public static String normalizeHost(String host) {
		String name = host.toLowerCase(Locale.ROOT);
		if (name.startsWith("[") && name.endsWith("]")) {
			name = name.substring(1, name.length() - 1);
		}
		return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
	}

	/**
	 * One entry of {@code outbound.allowed-hosts}.
	 */
	private static final class HostPattern {

		final @Nullable String scheme;

		final String host;

		final boolean wildcard;

		final int port;

		final @Nullable InetAddress literal;

		private HostPattern(@Nullable String scheme, String host, boolean wildcard, int port,
				@Nullable InetAddress literal) {
			this.scheme = scheme;
			this.host = host;
			this.wildcard = wildcard;
			this.port = port;
			this.literal = literal;
		}

		static HostPattern parse(String entry) {
			Matcher m = ENTRY.matcher((entry != null) ? entry.trim() : "");
			if (!m.matches()) {
				throw new IllegalArgumentException("'" + entry + "' is not a host pattern: use 'api.example.com',"
						+ " '*.example.com', 'https://api.example.com' or 'http://127.0.0.1:8080'.");
			}
			String scheme = (m.group(1) != null) ? m.group(1).toLowerCase(Locale.ROOT) : null;
			String host = normalizeHost(m.group(2));
			// No port: the scheme's default port (both 80 and 443 when no scheme is
			// given).
			int port = (m.group(3) == null) ? -1 : "*".equals(m.group(3)) ? 0 : Integer.parseInt(m.group(3));
			if (port > 65535) {
				throw new IllegalArgumentException("'" + entry + "' has port " + port + ", which is over 65535.");
			}
			InetAddress literal = null;
			if (host.contains(":") || IPV4_LITERAL.matcher(host).matches()) {
				try {
					// A literal: getByName parses it without any DNS lookup.
					literal = InetAddress.getByName(host);
				}
				catch (UnknownHostException ex) {
					throw new IllegalArgumentException("'" + entry + "' is not a valid IP address.");
				}
			}
			if (host.startsWith("*.") && host.length() < 4) {
				throw new IllegalArgumentException("'" + entry + "' needs a domain after '*.'.");
			}
			return new HostPattern(scheme, host, host.startsWith("*"), port, literal);
		}

		boolean matches(String requestScheme, String requestHost, int requestPort) {
			if (this.scheme != null && !this.scheme.equals(requestScheme)) {
				return false;
			}
			if (this.port == -1) {
				int defaultPort = "https".equals(requestScheme) ? 443 : 80;
				if (requestPort != defaultPort) {
					return false;
				}
			}
			else if (this.port != 0 && this.port != requestPort) {
				return false;
			}
			if ("*".equals(this.host)) {
				return true;
			}
			if (this.wildcard) {
				return requestHost.endsWith(this.host.substring(1)) && requestHost.length() > this.host.length() - 1;
			}
			if (this.literal != null) {
				try {
					return requestHost.contains(":") || IPV4_LITERAL.matcher(requestHost).matches()
							? this.literal.equals(InetAddress.getByName(requestHost)) : false;
				}
				catch (UnknownHostException ex) {
					return false;
				}
			}
			return this.host.equals(requestHost);
		}

	}

}
