package dev.workerloader.sandbox;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one redaction pipeline (issue 12): a secret goes however it is written, raw, inside
 * JSON (escaped once or twice, by JavaScript or by Jackson), split by lines, and only
 * secrets go.
 */
class RedactorTests {

	private static final String SECRET = "sk-live-0123456789";

	private static final String TRICKY = "pa\"ss\\word\u0001-\u00e9\ud83d\ude00\nsecond-line-part";

	private final Redactor redactor = Redactor.of(List.of(SECRET, TRICKY), 8);

	@Test
	void replacesTheRawValueEverywhereInTheText() {
		assertThat(this.redactor.redact("a " + SECRET + " b " + SECRET)).isEqualTo("a [redacted] b [redacted]");
	}

	@Test
	void replacesTheJsonFormsAndKeepsTheJsonValid() {
		JsonMapper mapper = JsonMapper.builder().build();
		String once = mapper.writeValueAsString(java.util.Map.of("k", TRICKY));
		String twice = mapper.writeValueAsString(java.util.Map.of("k", once));
		for (String json : List.of(once, twice)) {
			String redacted = this.redactor.redact(json);
			assertThat(redacted).contains("[redacted]").doesNotContain("second-line-part").doesNotContain("ss\\\\word");
			assertThat(mapper.readTree(redacted)).isNotNull();
		}
	}

	@Test
	void replacesEachLineOfAMultiLineSecret() {
		assertThat(this.redactor.redact("only the tail: second-line-part")).isEqualTo("only the tail: [redacted]");
	}

	@Test
	void leavesOtherTextAloneAndIgnoresShortValues() {
		Redactor shortOnes = Redactor.of(List.of("abc"), 8);
		assertThat(shortOnes.isEmpty()).isTrue();
		assertThat(shortOnes.redact("abc abc")).isEqualTo("abc abc");
		assertThat(this.redactor.redact("sk-live-012345678 is not it")).isEqualTo("sk-live-012345678 is not it");
	}

	@Test
	void redactedExceptionKeepsTypesAndFramesButNoSecret() {
		IllegalStateException cause = new IllegalStateException("inner " + SECRET);
		RuntimeException ex = new RuntimeException("outer " + SECRET, cause);
		Throwable copy = RedactedException.of(ex, this.redactor);
		assertThat(copy.getMessage()).isEqualTo("java.lang.RuntimeException: outer [redacted]");
		assertThat(copy.getCause().getMessage()).isEqualTo("java.lang.IllegalStateException: inner [redacted]");
		assertThat(copy.getStackTrace()).isEqualTo(ex.getStackTrace());
		assertThat(RedactedException.of(ex, Redactor.NONE)).isSameAs(ex);
	}

}
