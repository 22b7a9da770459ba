package dev.workerloader.hostile;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.workerloader.testsupport.ForkedJvm;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attack: long built-ins and amplifications that ignore cancellation for seconds
 * (JSON.stringify of shared references, catch-and-retry around stack overflows,
 * normalize, replaceAll, repeat, join, sort with a comparator), memory growth that the
 * budget must see, and results too large to serialise (issue 13). They run in a forked
 * JVM with a 256 MiB heap ({@link HostileLongBuiltinsMain}), where a stuck thread or a
 * missed budget could take the host down. Each answer must be the right quota kind,
 * within the wall limit plus a generous two seconds (a bound, not a speed target; the
 * harness prints the distribution), and the loader must keep serving on its two threads.
 *
 * @author Worker Loader team
 */
class LongBuiltinTests {

	private static final Pattern RESULT = Pattern.compile("RESULT (\\S+) (\\S+) (\\d+) (-?\\d+)");

	@Test
	void everyFamilyIsAnsweredInTimeWithItsQuotaAndTheHostKeepsServing() throws Exception {
		String output = ForkedJvm.run(HostileLongBuiltinsMain.class.getName(), Duration.ofMinutes(6));
		assertThat(output).contains("FRESH pong", "SURVIVED").doesNotContain("NOT-STOPPED", "RAW:");
		// Generous: seven builds share two cores here, and a watchdog starved of CPU sees
		// the wall limit late.
		long bound = HostileLongBuiltinsMain.WALL.plusSeconds(2).toMillis();
		// A wrong kind names its path in the harness's DETAIL lines: show them with it.
		String details = output.lines()
			.filter((line) -> line.startsWith("DETAIL"))
			.reduce("", (a, b) -> a + System.lineSeparator() + b);
		int results = 0;
		Matcher matcher = RESULT.matcher(output);
		while (matcher.find()) {
			results++;
			String family = matcher.group(1);
			String expected = expectedFor(family);
			assertThat(matcher.group(2)).as(family + details).matches(expected);
			assertThat(Long.parseLong(matcher.group(3))).as(family + " answered within wall + 2 s")
				.isLessThanOrEqualTo(bound);
		}
		assertThat(results).isEqualTo(HostileLongBuiltinsMain.FAMILIES.length * HostileLongBuiltinsMain.RUNS);
	}

	private static String expectedFor(String family) {
		for (String[] entry : HostileLongBuiltinsMain.FAMILIES) {
			if (entry[0].equals(family)) {
				return entry[2];
			}
		}
		throw new IllegalArgumentException(family);
	}

}
