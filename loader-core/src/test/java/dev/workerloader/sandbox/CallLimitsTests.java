package dev.workerloader.sandbox;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

import dev.workerloader.QuotaKind;
import dev.workerloader.Worker;
import dev.workerloader.WorkerCode;
import dev.workerloader.WorkerLoadException;
import dev.workerloader.WorkerQuotaExceededException;
import dev.workerloader.policy.PolicyResolver;
import dev.workerloader.policy.WorkerLimits;
import dev.workerloader.policy.WorkerPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Per-code and per-call limits (issue 19): the lowest of policy, code and call wins, and
 * neither can raise the policy's; compatibility dates out of range are refused.
 */
class CallLimitsTests {

	private static final WorkerLimits POLICY = WorkerLimits.DEFAULTS.withWallTime(Duration.ofSeconds(5))
		.withCpuTime(Duration.ofSeconds(5));

	private static GraalWorkerLoader loader;

	@BeforeAll
	static void startLoader() {
		loader = GraalWorkerLoader.builder().policies(PolicyResolver.of(WorkerPolicy.of("default", POLICY))).build();
	}

	@AfterAll
	static void stopLoader() {
		loader.close();
	}

	private static final String SLOW = "export default { async run(p) { await new Promise((r) => setTimeout(r, p)); return 'done'; } }";

	@Test
	void aCallCannotLowerTheStatementLimitAndSaysWhereToSetIt() {
		try (Worker worker = loader.load(WorkerCode.of("export default { run() { return 1; } }"))) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> worker.getEntrypoint("default", Map.of(), WorkerLimits.DEFAULTS.withStatements(10)))
				.withMessageContaining("cannot lower the statement limit")
				.withMessageContaining("WorkerCode.Builder.limits")
				.withMessageContaining("worker-loader.policies.default.limits.statements");
			// Other limits of the call still apply, statements left at 0.
			assertThat(worker.getEntrypoint("default", Map.of(), WorkerLimits.DEFAULTS).call("run")).isEqualTo(1);
		}
	}

	@Test
	void callLimitLowersThePolicysWallTime() {
		try (Worker worker = loader.load(WorkerCode.of(SLOW))) {
			assertThatExceptionOfType(WorkerQuotaExceededException.class)
				.isThrownBy(() -> worker.getEntrypoint("default", Map.of(), POLICY.withWallTime(Duration.ofMillis(200)))
					.call("run", 3000))
				.satisfies((ex) -> {
					assertThat(ex.kind()).isEqualTo(QuotaKind.WALL_TIME);
					assertThat(ex.limit()).isEqualTo(Duration.ofMillis(200).toNanos());
					assertThat(ex.getMessage()).contains("getEntrypoint(name, props, limits)");
				});
		}
		// Without the call limit the same code waits as long as its policy allows.
		try (Worker worker = loader.load(WorkerCode.of(SLOW))) {
			assertThat(worker.getEntrypoint().call("run", 300)).isEqualTo("done");
		}
	}

	@Test
	void callCannotRaiseThePolicysLimit() {
		try (Worker worker = loader.load(WorkerCode.of(SLOW))) {
			assertThatExceptionOfType(WorkerQuotaExceededException.class)
				.isThrownBy(() -> worker.getEntrypoint("default", Map.of(), POLICY.withWallTime(Duration.ofMinutes(5)))
					.call("run", 60_000))
				.satisfies((ex) -> {
					assertThat(ex.kind()).isEqualTo(QuotaKind.WALL_TIME);
					assertThat(ex.limit()).isEqualTo(POLICY.wallTime().toNanos());
				});
		}
	}

	@Test
	void codeLimitLowersThePolicysAndTheCallsCanLowerItFurther() {
		WorkerCode code = WorkerCode.builder()
			.module("agent.js", SLOW)
			.limits(POLICY.withWallTime(Duration.ofMillis(800)))
			.build();
		try (Worker worker = loader.load(code)) {
			assertThatExceptionOfType(WorkerQuotaExceededException.class)
				.isThrownBy(() -> worker.getEntrypoint().call("run", 3000))
				.satisfies((ex) -> assertThat(ex.limit()).isEqualTo(Duration.ofMillis(800).toNanos()));
		}
		// A kill closes the worker: the next call runs in a new one.
		try (Worker worker = loader.load(code)) {
			assertThatExceptionOfType(WorkerQuotaExceededException.class)
				.isThrownBy(() -> worker.getEntrypoint("default", Map.of(), POLICY.withWallTime(Duration.ofMillis(200)))
					.call("run", 3000))
				.satisfies((ex) -> assertThat(ex.limit()).isEqualTo(Duration.ofMillis(200).toNanos()));
		}
	}

	@Test
	void compatibilityDateInTheFutureIsRefused() {
		String future = LocalDate.now(ZoneOffset.UTC).plusDays(30).toString();
		WorkerCode code = WorkerCode.builder().compatibilityDate(future).module("agent.js", SLOW).build();
		assertThatExceptionOfType(WorkerLoadException.class).isThrownBy(() -> loader.load(code))
			.withMessageContaining("compatibility date '" + future + "', which is in the future");
	}

	@Test
	void compatibilityDateBeforeTheSupportedRangeIsRefused() {
		WorkerCode code = WorkerCode.builder().compatibilityDate("2019-01-01").module("agent.js", SLOW).build();
		assertThatExceptionOfType(WorkerLoadException.class).isThrownBy(() -> loader.load(code))
			.withMessageContaining("before the supported range, which starts at '2021-11-03'");
	}

	@Test
	void compatibilityDateInRangeIsAccepted() {
		WorkerCode code = WorkerCode.builder().compatibilityDate("2024-09-23").module("agent.js", SLOW).build();
		try (Worker worker = loader.load(code)) {
			assertThat(worker.getEntrypoint().call("run", 1)).isEqualTo("done");
		}
	}

	@Test
	void lowestTakesEachLimitFromWhicheverIsLower() {
		WorkerLimits a = WorkerLimits.DEFAULTS.withCpuTime(Duration.ofMillis(100)).withStatements(0);
		WorkerLimits b = WorkerLimits.DEFAULTS.withWallTime(Duration.ofMillis(50)).withStatements(1000);
		WorkerLimits lowest = a.lowest(b);
		assertThat(lowest.cpuTime()).isEqualTo(Duration.ofMillis(100));
		assertThat(lowest.wallTime()).isEqualTo(Duration.ofMillis(50));
		assertThat(lowest.statements()).isEqualTo(1000);
		assertThat(b.lowest(a)).isEqualTo(lowest);
	}

}
