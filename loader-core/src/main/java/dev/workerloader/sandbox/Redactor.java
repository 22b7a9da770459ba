package dev.workerloader.sandbox;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Replaces secret values in text that leaves a sandbox: the one redaction pipeline for
 * guest error names, messages and stacks, console output, results, the host log and the
 * credentials an outbound handler injects into a {@code fetch()} (issue 12).
 * <p>
 * Each value is replaced as written and in the forms it takes inside JSON text (escaped
 * once and twice, with lower- or upper-case hexadecimal unicode escapes), and, for a
 * value holding line breaks, line by line, so that a secret split by line-based
 * processing still goes. Redaction is a backstop against accidental disclosure: a guest
 * that can read a secret can also encode it (base64, reversed, one character per line),
 * which no redaction recognises. Immutable and thread-safe.
 *
 * @author Worker Loader team
 */
final class Redactor {

	/** The text that replaces a secret. */
	static final String REDACTED = "[redacted]";

	static final Redactor NONE = new Redactor(List.of());

	private final List<String> forms;

	private Redactor(List<String> forms) {
		this.forms = forms;
	}

	/**
	 * Returns a redactor of the given values; values shorter than {@code minLength} are
	 * ignored, as are line fragments shorter than it.
	 * @param values the secret values
	 * @param minLength the shortest value worth redacting
	 * @return the redactor
	 */
	static Redactor of(Collection<String> values, int minLength) {
		Set<String> forms = new LinkedHashSet<>();
		for (String value : values) {
			if (value.length() < minLength) {
				continue;
			}
			forms.add(value);
			String once = jsonEscape(value, false);
			forms.add(once);
			forms.add(jsonEscape(value, true));
			forms.add(jsonEscape(once, false));
			forms.add(jsonEscape(jsonEscape(value, true), true));
			for (String line : value.split("\r\n|\r|\n")) {
				if (line.length() >= minLength) {
					forms.add(line);
					forms.add(jsonEscape(line, false));
				}
			}
		}
		if (forms.isEmpty()) {
			return NONE;
		}
		List<String> sorted = new ArrayList<>(forms);
		// Longest first: a form that contains another is replaced whole.
		sorted.sort(Comparator.comparingInt(String::length).reversed());
		return new Redactor(List.copyOf(sorted));
	}

	/**
	 * Returns whether this redactor has nothing to redact.
	 * @return whether there are no secrets
	 */
	boolean isEmpty() {
		return this.forms.isEmpty();
	}

	/**
	 * Returns {@code text} with every secret replaced by {@value #REDACTED}.
	 * @param text the text
	 * @return the redacted text
	 */
	String redact(String text) {
		if (this.forms.isEmpty()) {
			return text;
		}
		String result = text;
		for (String form : this.forms) {
			if (result.contains(form)) {
				result = result.replace(form, REDACTED);
			}
		}
		return result;
	}

	/**
	 * Returns whether {@code text} holds a secret in one of the forms redacted.
	 * @param text the text
	 * @return whether a secret appears in it
	 */
	boolean appearsIn(String text) {
		for (String form : this.forms) {
			if (text.contains(form)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Escapes as JSON string content (without the quotes), as {@code JSON.stringify} and
	 * Jackson do; {@code upperHex} chooses the case of hexadecimal unicode escapes.
	 */
	private static String jsonEscape(String text, boolean upperHex) {
		StringBuilder out = new StringBuilder(text.length() + 8);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				case '\b' -> out.append("\\b");
				case '\f' -> out.append("\\f");
				default -> {
					if (c < 0x20 || Character.isSurrogate(c) && !validSurrogate(text, i)) {
						String hex = String.format("%04x", (int) c);
						out.append("\\u").append(upperHex ? hex.toUpperCase(Locale.ROOT) : hex);
					}
					else {
						out.append(c);
					}
				}
			}
		}
		return out.toString();
	}

	private static boolean validSurrogate(String text, int i) {
		char c = text.charAt(i);
		if (Character.isHighSurrogate(c)) {
			return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
		}
		return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
	}

}
