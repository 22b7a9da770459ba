package dev.workerloader.egress;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of the address classification below the fail-closed connector (issue 13):
 * pure functions on {@link InetAddress#getByAddress(byte[])}, no DNS and no sockets. None
 * of these addresses is ever connected to.
 *
 * @author Worker Loader team
 */
class EgressGuardTests {

	private final EgressGuard anyHost = EgressGuard.of(List.of("*"));

	@ParameterizedTest(name = "{0} is {1}")
	@CsvSource(delimiter = '|', textBlock = """
			168.63.129.16     | a cloud host-service address
			169.254.169.253   | a cloud host-service address
			169.254.169.123   | a cloud host-service address
			fd00:ec2:0:0:0:0:0:253 | a cloud host-service address
			161.26.0.10       | a cloud host-service address
			166.9.1.2         | a cloud host-service address
			169.254.169.254   | a cloud metadata address
			169.254.170.2     | a cloud metadata address
			100.100.100.200   | a cloud metadata address
			169.254.0.23      | a cloud metadata address
			192.0.0.192       | a cloud metadata address
			fd00:ec2:0:0:0:0:0:254 | a cloud metadata address
			fd20:ce:0:0:0:0:0:254  | a cloud metadata address
			100.64.0.1        | a carrier-grade NAT address
			192.0.2.1         | a documentation address
			2001:db8:0:0:0:0:0:1   | a documentation address
			192.88.99.1       | a reserved address
			255.255.255.255   | a reserved address
			10.1.2.3          | a private address
			127.0.0.1         | a loopback address
			""")
	void refusesInternalAddresses(String literal, String kind) throws Exception {
		assertThat(this.anyHost.refuseAddress(address(literal))).isEqualTo(kind);
	}

	@ParameterizedTest(name = "Teredo {0} leads to {1}")
	@CsvSource(delimiter = '|', textBlock = """
			2001:0:a83f:8110:0:0:0:1                     | a cloud host-service address (embedded in an IPv6 address)
			2001:0:4136:e378:8000:63bf:5601:5601         | a cloud metadata address (embedded in an IPv6 address)
			2001:0:4136:e378:8000:63bf:f5ff:fffe         | a private address (embedded in an IPv6 address)
			2001:0:7f00:1:0:0:0:0                        | a loopback address (embedded in an IPv6 address)
			""")
	void refusesTeredoAddressesLeadingInside(String literal, String kind) throws Exception {
		assertThat(this.anyHost.refuseAddress(address(literal))).isEqualTo(kind);
	}

	@ParameterizedTest(name = "{0} leads to {1}")
	@CsvSource(delimiter = '|', textBlock = """
			64:ff9b:0:0:0:0:a83f:8110    | a cloud host-service address (embedded in an IPv6 address)
			64:ff9b:1:0:0:0:a9fe:a9fe    | a local-use NAT64 address
			2002:a83f:8110:0:0:0:0:1     | a cloud host-service address (embedded in an IPv6 address)
			0:0:0:0:0:ffff:a83f:8110     | a cloud host-service address
			""")
	void refusesOtherEmbeddingsOfHostServiceAddresses(String literal, String kind) throws Exception {
		assertThat(this.anyHost.refuseAddress(address(literal))).isEqualTo(kind);
	}

	@ParameterizedTest(name = "{0} is public")
	@CsvSource({ "93.184.215.14", "168.63.129.17", "161.27.0.1", "2606:4700:0:0:0:0:0:1111",
			// Teredo whose server (65.54.227.120) and client (obfuscated 93.184.215.14)
			// are public.
			"2001:0:4136:e378:8000:63bf:a247:28f1" })
	void allowsPublicAddresses(String literal) throws Exception {
		assertThat(this.anyHost.refuseAddress(address(literal))).isNull();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "metadata.tencentyun.com", "metadata.google.internal", "instance-data.ec2.internal" })
	void refusesMetadataNamesBeforeDns(String name) {
		assertThat(this.anyHost.refuseName(name)).isEqualTo("'" + name + "' is a cloud metadata service");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "168.63.129.16" })
	void allowsAHostServiceAddressThePolicyNames(String literal) throws Exception {
		EgressGuard guard = EgressGuard.of(List.of("http://" + literal));
		assertThat(guard.refuseAddress(address(literal))).isNull();
	}

	/** Parses a literal into bytes by hand, so that no resolver is ever involved. */
	private static InetAddress address(String literal) throws Exception {
		byte[] bytes;
		if (literal.contains(":")) {
			String[] groups = literal.split(":");
			assertThat(groups).hasSize(8);
			bytes = new byte[16];
			for (int i = 0; i < 8; i++) {
				int group = Integer.parseInt(groups[i], 16);
				bytes[2 * i] = (byte) (group >> 8);
				bytes[2 * i + 1] = (byte) group;
			}
		}
		else {
			String[] parts = literal.split("\\.");
			bytes = new byte[4];
			for (int i = 0; i < 4; i++) {
				bytes[i] = (byte) Integer.parseInt(parts[i]);
			}
		}
		return InetAddress.getByAddress(bytes);
	}

}
