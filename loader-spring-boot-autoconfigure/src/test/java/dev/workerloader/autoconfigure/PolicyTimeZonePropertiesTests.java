package dev.workerloader.autoconfigure;

import java.time.ZoneId;

import dev.workerloader.policy.PolicyResolver;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code worker-loader.policies.<name>.time-zone} (issue 19): inherited through the base
 * policy, UTC when unset, and a clear startup failure when it is not a zone.
 */
class PolicyTimeZonePropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WorkerLoaderAutoConfiguration.class))
		.withPropertyValues("worker-loader.warm-up.enabled=false");

	@Test
	void aZoneIsInheritedAndUnsetMeansUtc() {
		this.runner
			.withPropertyValues("worker-loader.policies.paris.time-zone=Europe/Paris",
					"worker-loader.policies.child.base-policy=paris")
			.run((context) -> {
				PolicyResolver policies = context.getBean(PolicyResolver.class);
				assertThat(policies.find("paris").timeZone()).isEqualTo(ZoneId.of("Europe/Paris"));
				assertThat(policies.find("child").timeZone()).isEqualTo(ZoneId.of("Europe/Paris"));
				assertThat(policies.find("default").timeZone()).isNull();
			});
	}

	@Test
	void aZoneThatDoesNotExistFailsStartupNamingTheKey() {
		this.runner.withPropertyValues("worker-loader.policies.mars.time-zone=Mars/Olympus_Mons")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("worker-loader.policies.mars.time-zone")
				.hasMessageContaining("Europe/Paris"));
	}

}
