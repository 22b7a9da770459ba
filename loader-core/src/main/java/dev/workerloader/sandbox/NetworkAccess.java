package dev.workerloader.sandbox;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * The two points where {@code fetch()} touches the network, below every policy check:
 * name resolution, and the last step before a connection to a checked address. In
 * production these resolve through the JVM and let the connection go. The test suites
 * install a network that refuses every non-loopback destination and fails the test, so
 * that an egress test cannot reach a real address even when the egress guard is broken
 * (issue 12). Not an extension point: package-private on purpose.
 *
 * @author Worker Loader team
 */
final class NetworkAccess {

	/** The JVM's resolver; every connection goes ahead. */
	static final Network SYSTEM = new Network() {

		@Override
		public InetAddress[] resolve(String host) throws UnknownHostException {
			return InetAddress.getAllByName(host);
		}

		@Override
		public void beforeConnect(URI pinned, InetAddress address, int port) {
		}

	};

	private static volatile Network current = SYSTEM;

	private NetworkAccess() {
	}

	static Network current() {
		return current;
	}

	/**
	 * Replaces the network for the whole JVM; for tests.
	 * @param network the network
	 */
	static void install(Network network) {
		current = Objects.requireNonNull(network, "'network' must not be null");
	}

	/**
	 * Name resolution and the last check before a connection.
	 */
	interface Network {

		/**
		 * Resolves a host name or IP literal.
		 * @param host the host, without brackets
		 * @return every address
		 * @throws UnknownHostException when the name does not resolve
		 */
		InetAddress[] resolve(String host) throws UnknownHostException;

		/**
		 * Called just before a request is sent to {@code pinned}, whose host is the IP
		 * literal of {@code address}, the one the request connects to.
		 * @param pinned the URI the HTTP client is given
		 * @param address the address connected to
		 * @param port the port connected to
		 * @throws java.io.IOException to refuse the connection
		 */
		void beforeConnect(URI pinned, InetAddress address, int port) throws java.io.IOException;

	}

}
