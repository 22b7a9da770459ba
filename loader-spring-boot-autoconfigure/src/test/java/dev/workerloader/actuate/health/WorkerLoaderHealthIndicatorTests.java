package dev.workerloader.actuate.health;

import java.time.Duration;

import dev.workerloader.sandbox.GraalWorkerLoader;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WorkerLoaderHealthIndicator} over a real loader.
 */
class WorkerLoaderHealthIndicatorTests {

	@Test
	void upOnceTheEngineIsWarm() {
		try (GraalWorkerLoader loader = GraalWorkerLoader.builder().build()) {
			assertThat(loader.awaitReady(Duration.ofMinutes(1))).isTrue();
			Health health = new WorkerLoaderHealthIndicator(loader).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsKeys("jit", "poolIdle", "poolTarget", "activeWorkers");
		}
	}

}
