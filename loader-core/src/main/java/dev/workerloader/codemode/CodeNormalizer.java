package dev.workerloader.codemode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.workerloader.Worker;
import dev.workerloader.WorkerLoadException;

/**
 * Turns what language models actually return into a runnable ES module whose default
 * export has the method to call. Understood shapes:
 * <ul>
 * <li>fenced markdown (the JavaScript block is taken, prose around it dropped);</li>
 * <li>an {@code export default} object, as is (the method is its first method, or
 * {@code run}/{@code myAgent} when present);</li>
 * <li>an {@code export default} function;</li>
 * <li>a bare (async) arrow function, such as {@code async (param, env) => { ... }};</li>
 * <li>a single named function declaration;</li>
 * <li>a function body with {@code return} statements;</li>
 * <li>a plain expression, such as {@code env.CHAT_ROOM.history(5).length}.</li>
 * </ul>
 * Wrapping keeps the model's line numbers, so errors point at the lines it wrote.
 * <p>
 * Runs in time linear in the input (issue 13): every pattern is anchored or free of
 * nested or overlapping repetition, fences are found by scanning, and input over
 * {@link #MAX_LENGTH} characters is refused before any pattern runs. Thread-safe.
 *
 * @author Worker Loader team
 * @since 0.1.0
 */
public final class CodeNormalizer {

	/**
	 * The method the wrapped shapes export.
	 */
	public static final String METHOD = "run";

	/**
	 * The longest text normalized, in characters: the default code size limit of a
	 * worker.
	 */
	public static final int MAX_LENGTH = 1024 * 1024;

	private static final String FENCE = "```";

	// Line starts take [ \t]*, never \s*: \s crosses newlines, and from every line start
	// of a run of blank lines it would rescan the rest of the run (quadratic).
	private static final Pattern EXPORT_DEFAULT = Pattern.compile("(?m)^[ \\t]*export\\s+default\\s+");

	private static final Pattern EXPORT_DEFAULT_OBJECT = Pattern.compile("(?m)^[ \\t]*export\\s+default\\s*\\{");

	private static final Pattern FIRST_METHOD = Pattern
		.compile("export\\s+default\\s*\\{\\s*(?:async\\s+)?\\*?\\s*([A-Za-z_$][\\w$]*)\\s*(?:\\(|:)");

	private static final Pattern NAMED_FUNCTION = Pattern
		.compile("(?m)^(?:async\\s+)?function\\s*\\*?\\s*([A-Za-z_$][\\w$]*)\\s*\\(");

	private static final Pattern ARROW = Pattern.compile("^(?:async\\s*)?(?:\\([^)]*\\)|[A-Za-z_$][\\w$]*)\\s*=>",
			Pattern.DOTALL);

	private static final Pattern FUNCTION_EXPRESSION = Pattern.compile("^(?:async\\s+)?function\\b");

	private static final Pattern STATEMENT = Pattern.compile(
			"(?m)^[ \\t]*(?:const|let|var|if|for|while|do|switch|try|return|throw|await|class|import)\\b|;\\s*\\S");

	private static final List<String> PREFERRED = List.of("run", "myAgent", "main", "agent", "handler", "execute");

	// Searched from the first default export object on, once each: a lazy scan from every
	// "export default {" would be quadratic.
	private static final List<Pattern> PREFERRED_METHODS = PREFERRED.stream()
		.map((name) -> Pattern.compile("\\b(?:async\\s+)?" + Pattern.quote(name) + "\\s*(?:\\(|:)"))
		.toList();

	private static final Pattern TOP_LEVEL_RETURN = Pattern.compile("(?m)^return\\b");

	private static final List<String> JS_LANGUAGES = List.of("", "js", "javascript", "mjs", "jsx", "ecmascript",
			"node");

	/**
	 * Normalizes model output.
	 * @param text what the model returned
	 * @return the runnable module and the method to call
	 * @throws WorkerLoadException if nothing runnable is found
	 */
	public NormalizedCode normalize(String text) {
		Objects.requireNonNull(text, "'text' must not be null");
		if (text.length() > MAX_LENGTH) {
			throw new WorkerLoadException(null, "CodeTooLarge", "The code is " + text.length()
					+ " characters long, over the " + MAX_LENGTH + " characters normalized. Ask for shorter code.",
					null, -1, -1);
		}
		String code = extractCode(text).strip();
		if (code.isEmpty()) {
			throw nothingRunnable("the text is empty or its code blocks are empty");
		}
		if (EXPORT_DEFAULT_OBJECT.matcher(code).find()) {
			return new NormalizedCode(code, objectMethod(code), Shape.EXPORT_DEFAULT_OBJECT);
		}
		Matcher exportDefault = EXPORT_DEFAULT.matcher(code);
		if (exportDefault.find()) {
			// export default function / arrow / identifier: give it a name, export an
			// object.
			String module = code.substring(0, exportDefault.start()) + "const __agent = "
					+ code.substring(exportDefault.end());
			return wrapped(module + "\n;export default { " + METHOD + ": __agent };", Shape.EXPORT_DEFAULT_FUNCTION);
		}
		String trimmed = stripTrailingSemicolon(code);
		if (ARROW.matcher(trimmed).lookingAt()
				|| FUNCTION_EXPRESSION.matcher(trimmed).lookingAt() && !NAMED_FUNCTION.matcher(trimmed).lookingAt()) {
			return wrapped("export default { " + METHOD + ": (" + trimmed + "\n) };", Shape.ARROW_FUNCTION);
		}
		List<String> functions = namedFunctions(code);
		if (!functions.isEmpty() && !hasTopLevelReturn(code)) {
			String name = pick(functions);
			return wrapped(code + "\n;export default { " + METHOD + ": " + name + " };", Shape.NAMED_FUNCTION);
		}
		if (looksLikeProse(code)) {
			throw nothingRunnable("it looks like prose, not code");
		}
		if (STATEMENT.matcher(trimmed).find() || trimmed.contains("\n")) {
			return wrapped("export default { async " + METHOD + "(param, env, ctx) {" + returnTrailingExpression(code)
					+ "\n} };", Shape.FUNCTION_BODY);
		}
		return wrapped("export default { async " + METHOD + "(param, env, ctx) { return (" + trimmed + "\n); } };",
				Shape.EXPRESSION);
	}

	/**
	 * Puts {@code return} before the last top-level statement of a function body when it
	 * is an expression statement, as model code often ends with the value it means:
	 * {@code const h = env.KV.list(); h.length}. One pass over the code, skipping
	 * strings, template literals, comments and regular expressions; when in doubt
	 * (unbalanced brackets, an unterminated literal) the body is left as it is.
	 */
	static String returnTrailingExpression(String body) {
		int n = body.length();
		int depth = 0;
		// Template literals nest through ${...}: the depth at which each one was opened.
		int[] templates = new int[16];
		int templateDepth = 0;
		int statementStart = 0;
		// The start of the last statement that holds code, for a body ending with ';'.
		int previousStart = -1;
		boolean segmentHasCode = false;
		char lastSignificant = ';';
		boolean lastWasWord = false;
		String lastWord = "";
		int i = 0;
		while (i < n) {
			char c = body.charAt(i);
			if (c == '/' && i + 1 < n && body.charAt(i + 1) == '/') {
				int end = body.indexOf('\n', i);
				i = (end < 0) ? n : end;
				continue;
			}
			if (c == '/' && i + 1 < n && body.charAt(i + 1) == '*') {
				int end = body.indexOf("*/", i + 2);
				if (end < 0) {
					return body;
				}
				i = end + 2;
				continue;
			}
			if (c == '\'' || c == '"') {
				int end = skipQuoted(body, i, c);
				if (end < 0) {
					return body;
				}
				i = end;
				lastSignificant = c;
				lastWasWord = false;
				segmentHasCode = true;
				continue;
			}
			if (c == '`' || (c == '}' && templateDepth > 0 && templates[templateDepth - 1] == depth)) {
				if (c == '}') {
					templateDepth--;
				}
				int end = skipTemplate(body, i + 1);
				if (end < 0) {
					return body;
				}
				if (body.charAt(end - 1) == '{') {
					// Stopped at ${: the template continues after the matching }.
					if (templateDepth == templates.length) {
						return body;
					}
					templates[templateDepth++] = depth;
				}
				i = end;
				lastSignificant = '`';
				lastWasWord = false;
				segmentHasCode = true;
				continue;
			}
			if (c == '/' && startsRegex(lastSignificant, lastWasWord, lastWord)) {
				int end = skipRegex(body, i);
				if (end < 0) {
					return body;
				}
				i = end;
				lastSignificant = '/';
				lastWasWord = false;
				segmentHasCode = true;
				continue;
			}
			if (Character.isJavaIdentifierStart(c)) {
				int end = i + 1;
				while (end < n && Character.isJavaIdentifierPart(body.charAt(end))) {
					end++;
				}
				lastWord = body.substring(i, end);
				lastWasWord = true;
				lastSignificant = 'a';
				segmentHasCode = true;
				i = end;
				continue;
			}
			if (c == '(' || c == '[' || c == '{') {
				depth++;
			}
			else if (c == ')' || c == ']' || c == '}') {
				depth--;
				if (depth < 0) {
					return body;
				}
			}
			if (c != ';' && !Character.isWhitespace(c)) {
				segmentHasCode = true;
			}
			boolean boundary = depth == 0 && (c == ';' || (c == '}' && closesBlock(body, i)) || (c == '\n'
					&& endsStatement(lastSignificant, lastWasWord, lastWord) && !continuesExpression(body, i + 1)));
			if (boundary) {
				if (segmentHasCode) {
					previousStart = statementStart;
				}
				statementStart = i + 1;
				segmentHasCode = false;
			}
			if (!Character.isWhitespace(c)) {
				lastSignificant = c;
				lastWasWord = false;
			}
			i++;
		}
		if (depth != 0 || templateDepth != 0) {
			return body;
		}
		int start = skipSpaceAndComments(body, segmentHasCode ? statementStart : Math.max(previousStart, 0));
		if (start >= n || (!segmentHasCode && previousStart < 0)) {
			return body;
		}
		String last = body.substring(start);
		if (NOT_AN_EXPRESSION.matcher(last).lookingAt() || last.startsWith("{") || last.startsWith("}")) {
			return body;
		}
		return body.substring(0, start) + "return " + last;
	}

	private static final Pattern NOT_AN_EXPRESSION = Pattern.compile(
			"(?:const|let|var|if|for|while|do|switch|try|return|throw|class|function|async\\s+function|import|export"
					+ "|break|continue|debugger|with|yield|else|catch|finally|case|default)\\b|[A-Za-z_$][\\w$]*\\s*:(?!:)");

	private static int skipQuoted(String text, int start, char quote) {
		for (int i = start + 1; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\\') {
				i++;
			}
			else if (c == quote) {
				return i + 1;
			}
			else if (c == '\n') {
				return -1;
			}
		}
		return -1;
	}

	/** Returns the index after the closing backtick, or after a {@code ${}. */
	private static int skipTemplate(String text, int start) {
		for (int i = start; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\\') {
				i++;
			}
			else if (c == '`') {
				return i + 1;
			}
			else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
				return i + 2;
			}
		}
		return -1;
	}

	private static int skipRegex(String text, int start) {
		boolean inClass = false;
		for (int i = start + 1; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\\') {
				i++;
			}
			else if (c == '[') {
				inClass = true;
			}
			else if (c == ']') {
				inClass = false;
			}
			else if (c == '/' && !inClass) {
				int end = i + 1;
				while (end < text.length() && Character.isLetter(text.charAt(end))) {
					end++;
				}
				return end;
			}
			else if (c == '\n') {
				return -1;
			}
		}
		return -1;
	}

	private static boolean startsRegex(char lastSignificant, boolean lastWasWord, String lastWord) {
		if (lastWasWord) {
			return lastWord.equals("return") || lastWord.equals("typeof") || lastWord.equals("case")
					|| lastWord.equals("await") || lastWord.equals("yield") || lastWord.equals("in")
					|| lastWord.equals("of");
		}
		return "(,=:[!&|?{};+-*%<>~^".indexOf(lastSignificant) >= 0;
	}

	/**
	 * Whether the {@code }} at {@code index} ends a block statement (a newline follows).
	 */
	private static boolean closesBlock(String text, int index) {
		for (int i = index + 1; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\n') {
				return !continuesExpression(text, i + 1);
			}
			if (!Character.isWhitespace(c)) {
				return false;
			}
		}
		return true;
	}

	private static boolean endsStatement(char lastSignificant, boolean lastWasWord, String lastWord) {
		if (lastWasWord) {
			return !(lastWord.equals("return") || lastWord.equals("await") || lastWord.equals("new")
					|| lastWord.equals("typeof") || lastWord.equals("in") || lastWord.equals("of")
					|| lastWord.equals("instanceof") || lastWord.equals("else") || lastWord.equals("do"));
		}
		return ")]}'\"`/".indexOf(lastSignificant) >= 0 || Character.isLetterOrDigit(lastSignificant)
				|| lastSignificant == '_' || lastSignificant == '$';
	}

	/**
	 * Whether the line from {@code index} continues the expression of the line before.
	 */
	private static boolean continuesExpression(String text, int index) {
		int i = skipSpaceAndComments(text, index);
		if (i >= text.length()) {
			return false;
		}
		char c = text.charAt(i);
		if (c == '+' || c == '-') {
			// ++x starts a statement; + x continues one.
			return !(i + 1 < text.length() && text.charAt(i + 1) == c);
		}
		return ".?:,)]}*/%&|^=<>(`[".indexOf(c) >= 0;
	}

	private static int skipSpaceAndComments(String text, int index) {
		int i = index;
		while (i < text.length()) {
			char c = text.charAt(i);
			if (Character.isWhitespace(c)) {
				i++;
			}
			else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
				int end = text.indexOf('\n', i);
				i = (end < 0) ? text.length() : end + 1;
			}
			else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
				int end = text.indexOf("*/", i + 2);
				i = (end < 0) ? text.length() : end + 2;
			}
			else {
				return i;
			}
		}
		return i;
	}

	private static NormalizedCode wrapped(String source, Shape shape) {
		return new NormalizedCode(source, METHOD, shape);
	}

	private static String extractCode(String text) {
		List<String> blocks = new ArrayList<>();
		List<String> otherLanguages = new ArrayList<>();
		// A fence: ``` and an info string up to the end of its line, then the block up to
		// the next ``` or the end of the text.
		int position = 0;
		while (position < text.length()) {
			int open = text.indexOf(FENCE, position);
			int lineEnd = (open < 0) ? -1 : text.indexOf('\n', open + FENCE.length());
			if (lineEnd < 0) {
				break;
			}
			int close = text.indexOf(FENCE, lineEnd + 1);
			int end = (close < 0) ? text.length() : close;
			String language = language(text, open + FENCE.length(), lineEnd);
			if (JS_LANGUAGES.contains(language)) {
				blocks.add(text.substring(lineEnd + 1, end));
			}
			else {
				otherLanguages.add(language);
			}
			position = (close < 0) ? text.length() : close + FENCE.length();
		}
		if (blocks.isEmpty() && !otherLanguages.isEmpty()) {
			if (otherLanguages.contains("ts") || otherLanguages.contains("typescript")) {
				throw nothingRunnable("its code block is TypeScript; ask for JavaScript (type annotations do not run)");
			}
			throw nothingRunnable("its code blocks are " + otherLanguages + ", not JavaScript");
		}
		if (blocks.isEmpty()) {
			return text;
		}
		for (String block : blocks) {
			if (EXPORT_DEFAULT.matcher(block).find()) {
				return block;
			}
		}
		String largest = blocks.get(0);
		for (String block : blocks) {
			if (block.length() > largest.length()) {
				largest = block;
			}
		}
		return largest;
	}

	private static String language(String text, int from, int lineEnd) {
		int start = from;
		while (start < lineEnd && (text.charAt(start) == ' ' || text.charAt(start) == '\t')) {
			start++;
		}
		int end = start;
		while (end < lineEnd && isLanguageChar(text.charAt(end))) {
			end++;
		}
		return text.substring(start, end).toLowerCase(Locale.ROOT);
	}

	private static boolean isLanguageChar(char c) {
		return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '+'
				|| c == '-';
	}

	private static String objectMethod(String code) {
		Matcher object = EXPORT_DEFAULT_OBJECT.matcher(code);
		int from = object.find() ? object.end() : 0;
		for (int i = 0; i < PREFERRED.size(); i++) {
			if (PREFERRED_METHODS.get(i).matcher(code).region(from, code.length()).find()) {
				return PREFERRED.get(i);
			}
		}
		Matcher first = FIRST_METHOD.matcher(code);
		if (first.find()) {
			return first.group(1);
		}
		throw nothingRunnable("its default export is an object without a method");
	}

	private static List<String> namedFunctions(String code) {
		List<String> names = new ArrayList<>();
		Matcher matcher = NAMED_FUNCTION.matcher(code);
		while (matcher.find()) {
			names.add(matcher.group(1));
		}
		return names;
	}

	private static String pick(List<String> functions) {
		for (String preferred : PREFERRED) {
			if (functions.contains(preferred)) {
				return preferred;
			}
		}
		// The last declared function is usually the entry point; helpers come first.
		return functions.get(functions.size() - 1);
	}

	private static boolean hasTopLevelReturn(String code) {
		return TOP_LEVEL_RETURN.matcher(code).find();
	}

	private static boolean looksLikeProse(String code) {
		String firstLine = code.lines().findFirst().orElse("");
		return firstLine
			.matches("(?i)^(sure|here|certainly|ok|okay|i |i'|this |the |to |below|of course)[^;{}()=]*[.:!]?$")
				&& !code.contains("(") && !code.contains("=");
	}

	private static String stripTrailingSemicolon(String code) {
		String result = code.strip();
		int end = result.length();
		while (end > 0 && (result.charAt(end - 1) == ';' || Character.isWhitespace(result.charAt(end - 1)))) {
			end--;
		}
		return result.substring(0, end);
	}

	private static WorkerLoadException nothingRunnable(String why) {
		return new WorkerLoadException(null, "NoRunnableCode", "No runnable code was found: " + why
				+ ". Expected a ```js block, an `export default { async run(param, env, ctx) {...} }` module, a function,"
				+ " an async arrow function or an expression.", null, -1, -1);
	}

	/**
	 * The shape the model's code had.
	 */
	public enum Shape {

		/**
		 * {@code export default { ... }}, kept as is.
		 */
		EXPORT_DEFAULT_OBJECT,

		/**
		 * {@code export default function ...} or {@code export default (p) => ...}.
		 */
		EXPORT_DEFAULT_FUNCTION,

		/**
		 * A bare arrow or function expression.
		 */
		ARROW_FUNCTION,

		/**
		 * One or more function declarations; the entry point is picked by name.
		 */
		NAMED_FUNCTION,

		/**
		 * Statements, run as the body of an async function.
		 */
		FUNCTION_BODY,

		/**
		 * A single expression whose value is the result.
		 */
		EXPRESSION

	}

	/**
	 * A runnable module.
	 *
	 * @param source the ES module source
	 * @param method the method of the default export to call
	 * @param shape the shape the code had
	 */
	public record NormalizedCode(String source, String method, Shape shape) {

		@Override
		public String toString() {
			return "NormalizedCode[method=" + this.method + ", shape=" + this.shape + ", length=" + this.source.length()
					+ "]";
		}

	}

}
