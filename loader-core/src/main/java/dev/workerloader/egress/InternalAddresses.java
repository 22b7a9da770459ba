package dev.workerloader.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The one list of addresses and names a worker's {@code fetch()} never reaches unless a
 * policy names them explicitly, beyond what the JDK already classifies (loopback,
 * link-local, site-local, multicast, unspecified). Each entry gives its source. The most
 * specific entries come first: the first match names the kind.
 * <p>
 * Cloud host-service addresses deserve a word: some clouds serve their instances from
 * addresses inside public ranges (Azure's 168.63.129.16, IBM Cloud's service networks),
 * so a rule of "public means safe" lets a guest reach the platform's agents, DNS and
 * metadata relays (issue 13).
 *
 * @author Worker Loader team
 */
final class InternalAddresses {

	static final String METADATA = "a cloud metadata address";

	static final String HOST_SERVICE = "a cloud host-service address";

	/**
	 * Host names of metadata services, refused before any DNS lookup.
	 */
	static final Set<String> METADATA_NAMES = Set.of(
			// GCP: https://cloud.google.com/compute/docs/metadata/querying-metadata
			"metadata.google.internal", "metadata.goog", "metadata",
			// AWS:
			// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html
			"instance-data", "instance-data.ec2.internal",
			// Tencent Cloud: https://www.tencentcloud.com/document/product/213/4934
			"metadata.tencentyun.com");

	private static final List<Range> RANGES = List.of(
			// Instance metadata of AWS, GCP, Azure, Oracle Cloud, DigitalOcean,
			// OpenStack,
			// Hetzner, Huawei:
			// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html
			// https://learn.microsoft.com/azure/virtual-machines/instance-metadata-service
			range("169.254.169.254/32", METADATA),
			// AWS IMDS over IPv6 (same page as above).
			range("fd00:ec2::254/128", METADATA),
			// GCP metadata server over IPv6:
			// https://cloud.google.com/compute/docs/metadata/querying-metadata
			range("fd20:ce::254/128", METADATA),
			// AWS ECS task metadata and credentials endpoint:
			// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
			range("169.254.170.2/32", METADATA),
			// Alibaba Cloud metadata:
			// https://www.alibabacloud.com/help/ecs/user-guide/view-instance-metadata
			range("100.100.100.200/32", METADATA),
			// Tencent Cloud metadata (metadata.tencentyun.com):
			// https://www.tencentcloud.com/document/product/213/4934
			range("169.254.0.23/32", METADATA),
			// Oracle Cloud's legacy metadata address:
			// https://docs.oracle.com/iaas/Content/Compute/Tasks/gettingmetadata.htm
			range("192.0.0.192/32", METADATA),
			// Azure WireServer, DNS, DHCP, health probes and the IMDS relay, inside a
			// public range:
			// https://learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16
			range("168.63.129.16/32", HOST_SERVICE),
			// AWS Route 53 Resolver and Time Sync, IPv4 and IPv6:
			// https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html
			// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/set-time.html
			range("169.254.169.253/32", HOST_SERVICE), range("169.254.169.123/32", HOST_SERVICE),
			range("fd00:ec2::253/128", HOST_SERVICE), range("fd00:ec2::123/128", HOST_SERVICE),
			// IBM Cloud service network (DNS, NTP, mirrors) and private cloud service
			// endpoints, inside public ranges:
			// https://cloud.ibm.com/docs/hardware-firewall-dedicated?topic=hardware-firewall-dedicated-ibm-cloud-ip-ranges
			range("161.26.0.0/16", HOST_SERVICE), range("166.8.0.0/14", HOST_SERVICE),
			// RFC 6598 shared address space (carrier-grade NAT; Alibaba's services too).
			range("100.64.0.0/10", "a carrier-grade NAT address"),
			// RFC 6890 special-purpose registries.
			range("0.0.0.0/8", "an unspecified address"), range("240.0.0.0/4", "a reserved address"),
			range("192.0.0.0/24", "a reserved address"), range("192.88.99.0/24", "a reserved address"),
			range("198.18.0.0/15", "a benchmarking address"),
			// RFC 5737 and RFC 3849 documentation ranges.
			range("192.0.2.0/24", "a documentation address"), range("198.51.100.0/24", "a documentation address"),
			range("203.0.113.0/24", "a documentation address"), range("2001:db8::/32", "a documentation address"),
			// RFC 8215 local-use NAT64: the operator's own translator, IPv4 placement
			// depends on its prefix length, so none of it is assumed public.
			range("64:ff9b:1::/48", "a local-use NAT64 address"),
			// RFC 4193 unique-local and RFC 6666 discard-only IPv6.
			range("fc00::/7", "a private (unique-local) address"), range("100::/64", "a reserved address"));

	private InternalAddresses() {
	}

	/**
	 * Returns the kind of the first listed range holding the address, or {@code null}.
	 * @param address 4 or 16 bytes
	 * @return the kind, or {@code null} when no listed range holds it
	 */
	static @Nullable String kindOf(byte[] address) {
		for (Range range : RANGES) {
			if (range.contains(address)) {
				return range.kind;
			}
		}
		return null;
	}

	private static Range range(String cidr, String kind) {
		int slash = cidr.indexOf('/');
		try {
			// Literals only: getByName parses them without DNS.
			byte[] prefix = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
			return new Range(prefix, Integer.parseInt(cidr.substring(slash + 1)), kind);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException("Bad range " + cidr, ex);
		}
	}

	private record Range(byte[] prefix, int bits, String kind) {

		boolean contains(byte[] address) {
			if (address.length != this.prefix.length) {
				return false;
			}
			int full = this.bits / 8;
			for (int i = 0; i < full; i++) {
				if (address[i] != this.prefix[i]) {
					return false;
				}
			}
			int rest = this.bits % 8;
			if (rest == 0) {
				return true;
			}
			int mask = (0xff << (8 - rest)) & 0xff;
			return (address[full] & mask) == (this.prefix[full] & mask);
		}

	}

}
