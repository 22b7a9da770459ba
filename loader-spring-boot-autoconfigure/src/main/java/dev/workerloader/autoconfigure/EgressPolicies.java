package dev.workerloader.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.workerloader.autoconfigure.WorkerLoaderProperties.Outbound;
import dev.workerloader.egress.EgressGuard;
import dev.workerloader.egress.OutboundHandler;
import dev.workerloader.egress.OutboundLimits;
import dev.workerloader.policy.RateLimit;
import dev.workerloader.policy.WorkerPolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Binds and validates what issue 6 adds to a policy: {@code outbound.max-requests},
 * {@code max-response-size}, {@code timeout}, the host patterns of
 * {@code outbound.allowed-hosts}, the handler bean's type, and {@code rate-limit.*},
 * inheriting from the base policy as the other settings do.
 *
 * @author Worker Loader team
 */
final class EgressPolicies {

	private EgressPolicies() {
	}

	static OutboundLimits outboundLimits(String policy, Outbound outbound, @Nullable WorkerPolicy base) {
		OutboundLimits inherited = (base != null) ? base.outboundLimits() : OutboundLimits.DEFAULTS;
		Integer maxRequests = outbound.getMaxRequests();
		if (maxRequests != null && maxRequests < 0) {
			throw new InvalidConfigurationPropertyValueException(
					PropertiesPolicyResolver.key(policy, "outbound.max-requests"), maxRequests,
					"The subrequest limit must not be negative; use 0 to refuse every fetch().");
		}
		DataSize size = outbound.getMaxResponseSize();
		if (size != null && size.toBytes() < 0) {
			throw new InvalidConfigurationPropertyValueException(
					PropertiesPolicyResolver.key(policy, "outbound.max-response-size"), size,
					"The response size limit must not be negative.");
		}
		Duration timeout = outbound.getTimeout();
		if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
			throw new InvalidConfigurationPropertyValueException(
					PropertiesPolicyResolver.key(policy, "outbound.timeout"), timeout,
					"The fetch timeout must be positive.");
		}
		return new OutboundLimits((maxRequests != null) ? maxRequests : inherited.maxRequests(),
				(size != null) ? size.toBytes() : inherited.maxResponseSize(),
				(timeout != null) ? timeout : inherited.timeout());
	}

	static @Nullable RateLimit rateLimit(String policy, WorkerLoaderProperties.RateLimit properties,
			@Nullable WorkerPolicy base) {
		Long capacity = properties.getCapacity();
		if (capacity == null) {
			if (properties.getRefillTokens() != null || properties.getRefillPeriod() != null) {
				throw new InvalidConfigurationPropertyValueException(
						PropertiesPolicyResolver.key(policy, "rate-limit.capacity"), null,
						"The rate limit needs a capacity when refill-tokens or refill-period is set.");
			}
			return (base != null) ? base.rateLimit() : null;
		}
		if (capacity < 1) {
			throw new InvalidConfigurationPropertyValueException(
					PropertiesPolicyResolver.key(policy, "rate-limit.capacity"), capacity,
					"The capacity must be at least 1.");
		}
		Long refill = (properties.getRefillTokens() != null) ? properties.getRefillTokens() : capacity;
		if (refill < 1) {
			throw new InvalidConfigurationPropertyValueException(
					PropertiesPolicyResolver.key(policy, "rate-limit.refill-tokens"), refill,
					"The refill must be at least 1 token.");
		}
		Duration period = (properties.getRefillPeriod() != null) ? properties.getRefillPeriod() : Duration.ofMinutes(1);
		if (period.isNegative() || period.isZero()) {
			throw new InvalidConfigurationPropertyValueException(
					PropertiesPolicyResolver.key(policy, "rate-limit.refill-period"), period,
					"The refill period must be positive.");
		}
		return new RateLimit(capacity, refill, period);
	}

	static void validate(WorkerPolicy policy, ListableBeanFactory beanFactory) {
		List<String> hosts = policy.allowedHosts();
		for (int i = 0; i < hosts.size(); i++) {
			String reason = EgressGuard.validate(hosts.get(i));
			if (reason != null) {
				throw new InvalidConfigurationPropertyValueException(
						PropertiesPolicyResolver.key(policy.name(), "outbound.allowed-hosts[" + i + "]"), hosts.get(i),
						reason);
			}
		}
		String handler = policy.outboundHandler();
		if (handler != null && !beanFactory.isTypeMatch(handler, OutboundHandler.class)) {
			throw new InvalidConfigurationPropertyValueException(
					PropertiesPolicyResolver.key(policy.name(), "outbound.handler"), handler,
					"Bean '" + handler + "' is not an OutboundHandler; name a bean that implements it.");
		}
	}

}
