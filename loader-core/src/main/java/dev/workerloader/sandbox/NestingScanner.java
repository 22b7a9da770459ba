package dev.workerloader.sandbox;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Finds the deepest bracket nesting ({@code ( [ {} and template {@code ${}) of a
 * JavaScript source without parsing it, so that code nested deep enough to exhaust the
 * parser's stack is refused before GraalJS sees it. A small tokenizer that understands
 * string literals, comments, template literals (with nested substitutions) and regular
 * expression literals, so that brackets inside them are not counted. It is a guard, not a
 * validator: malformed code is left to the parser.
 *
 * @author Worker Loader team
 */
final class NestingScanner {

	private static final String REGEX_KEYWORDS = " return typeof case do else in instanceof new delete void throw yield await of ";

	private NestingScanner() {
	}

	/**
	 * Scans {@code source}.
	 * @param source the JavaScript source
	 * @return the deepest nesting and where it was first reached
	 */
	static Depth scan(String source) {
		Scan scan = new Scan(source);
		scan.run();
		return new Depth(scan.max, scan.maxLine, scan.maxColumn);
	}

	/**
	 * The result of a scan.
	 *
	 * @param max the deepest nesting
	 * @param line the 1-based line where it was first reached
	 * @param column the 1-based column where it was first reached
	 */
	record Depth(int max, int line, int column) {
	}

	private static final class Scan {

		private final String src;

		private final int length;

		private int pos;

		private int line = 1;

		private int lineStart;

		private int depth;

		private int max;

		private int maxLine = 1;

		private int maxColumn = 1;

		/**
		 * Whether a '/' at this point starts a regular expression rather than a division.
		 */
		private boolean regexAllowed = true;

		/**
		 * For each open bracket, whether it is a template substitution, whose '}' resumes
		 * the template literal.
		 */
		private final Deque<Boolean> open = new ArrayDeque<>();

		Scan(String src) {
			this.src = src;
			this.length = src.length();
		}

		void run() {
			while (this.pos < this.length) {
				char c = this.src.charAt(this.pos);
				if (c == '\n') {
					newLine(this.pos);
					this.pos++;
				}
				else if (Character.isWhitespace(c)) {
					this.pos++;
				}
				else if (c == '/' && peek(1) == '/') {
					skipLineComment();
				}
				else if (c == '/' && peek(1) == '*') {
					skipBlockComment();
				}
				else if (c == '\'' || c == '"') {
					skipString(c);
					this.regexAllowed = false;
				}
				else if (c == '`') {
					this.pos++;
					template();
				}
				else if (c == '/' && this.regexAllowed) {
					skipRegex();
					this.regexAllowed = false;
				}
				else if (c == '(' || c == '[' || c == '{') {
					push(false);
					this.pos++;
					this.regexAllowed = true;
				}
				else if (c == ')' || c == ']' || c == '}') {
					this.pos++;
					Boolean substitution = this.open.poll();
					this.depth = Math.max(0, this.depth - 1);
					if (c == '}' && Boolean.TRUE.equals(substitution)) {
						template();
					}
					else {
						// After ')' and ']' a '/' divides; after '}' (usually the end of
						// a block) it
						// usually starts a regular expression.
						this.regexAllowed = c == '}';
					}
				}
				else if (Character.isJavaIdentifierStart(c) || c == '\\') {
					int start = this.pos;
					while (this.pos < this.length && (Character.isJavaIdentifierPart(this.src.charAt(this.pos))
							|| this.src.charAt(this.pos) == '\\')) {
						this.pos++;
					}
					String word = this.src.substring(start, this.pos);
					this.regexAllowed = REGEX_KEYWORDS.contains(" " + word + " ");
				}
				else if (Character.isDigit(c)) {
					while (this.pos < this.length && (Character.isLetterOrDigit(this.src.charAt(this.pos))
							|| this.src.charAt(this.pos) == '.' || this.src.charAt(this.pos) == '_')) {
						this.pos++;
					}
					this.regexAllowed = false;
				}
				else {
					// An operator or punctuator: a '/' after it starts a regular
					// expression, except
					// after the postfix operators '++' and '--', which is rare enough to
					// ignore.
					this.pos++;
					this.regexAllowed = true;
				}
			}
		}

		private void push(boolean substitution) {
			this.open.push(substitution);
			this.depth++;
			if (this.depth > this.max) {
				this.max = this.depth;
				this.maxLine = this.line;
				this.maxColumn = this.pos - this.lineStart + 1;
			}
		}

		private char peek(int offset) {
			int at = this.pos + offset;
			return (at < this.length) ? this.src.charAt(at) : '\0';
		}

		private void newLine(int at) {
			this.line++;
			this.lineStart = at + 1;
		}

		private void skipLineComment() {
			while (this.pos < this.length && this.src.charAt(this.pos) != '\n') {
				this.pos++;
			}
		}

		private void skipBlockComment() {
			this.pos += 2;
			while (this.pos < this.length && !(this.src.charAt(this.pos) == '*' && peek(1) == '/')) {
				if (this.src.charAt(this.pos) == '\n') {
					newLine(this.pos);
				}
				this.pos++;
			}
			this.pos = Math.min(this.length, this.pos + 2);
		}

		private void skipString(char quote) {
			this.pos++;
			while (this.pos < this.length) {
				char c = this.src.charAt(this.pos);
				if (c == '\\') {
					if (peek(1) == '\n') {
						newLine(this.pos + 1);
					}
					this.pos += 2;
				}
				else if (c == quote) {
					this.pos++;
					return;
				}
				else if (c == '\n') {
					// Unterminated: the parser reports it; resume scanning on the next
					// line.
					return;
				}
				else {
					this.pos++;
				}
			}
		}

		/**
		 * Scans template characters up to the closing back-tick, or up to a substitution,
		 * which opens a bracket level the matching '}' closes.
		 */
		private void template() {
			while (this.pos < this.length) {
				char c = this.src.charAt(this.pos);
				if (c == '\\') {
					if (peek(1) == '\n') {
						newLine(this.pos + 1);
					}
					this.pos += 2;
				}
				else if (c == '`') {
					this.pos++;
					this.regexAllowed = false;
					return;
				}
				else if (c == '$' && peek(1) == '{') {
					this.pos++;
					push(true);
					this.pos++;
					this.regexAllowed = true;
					return;
				}
				else {
					if (c == '\n') {
						newLine(this.pos);
					}
					this.pos++;
				}
			}
		}

		private void skipRegex() {
			this.pos++;
			boolean inClass = false;
			while (this.pos < this.length) {
				char c = this.src.charAt(this.pos);
				if (c == '\\') {
					this.pos += 2;
					continue;
				}
				if (c == '\n') {
					// Not a regular expression after all: let the parser decide.
					return;
				}
				this.pos++;
				if (c == '[') {
					inClass = true;
				}
				else if (c == ']') {
					inClass = false;
				}
				else if (c == '/' && !inClass) {
					break;
				}
			}
			while (this.pos < this.length && Character.isLetter(this.src.charAt(this.pos))) {
				this.pos++;
			}
		}

	}

}
