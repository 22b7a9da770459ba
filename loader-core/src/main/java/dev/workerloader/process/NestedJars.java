package dev.workerloader.process;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The worker host's classpath when the application runs from a Spring Boot executable jar
 * (issue 16): the jars a host needs are entries of the application's jar
 * ({@code BOOT-INF/lib/...}), which a child JVM cannot put on its classpath. They are
 * copied once into a private directory ({@code 0700}) named after the application jar's
 * path, size and time, and the host's classpath names the copies. Only the core's jars
 * and those of GraalJS (packages {@code org.graalvm}, {@code com.oracle.truffle},
 * {@code com.ibm.icu}) are copied, never the application's classes.
 *
 * @author Worker Loader team
 */
final class NestedJars {

	private static final Log logger = LogFactory.getLog(NestedJars.class);

	/**
	 * {@code jar:nested:/app.jar/!BOOT-INF/lib/x.jar!/} (Boot 3.2+) or
	 * {@code jar:file:/app.jar!/BOOT-INF/lib/x.jar!/} (earlier).
	 */
	private static final Pattern NESTED = Pattern
		.compile("^jar:(?:nested:(?<nestedOuter>.+?)/!|file:(?<fileOuter>.+?)!/)(?<entry>[^!]+\\.jar)!/.*$");

	private static final Set<java.nio.file.attribute.PosixFilePermission> PRIVATE = PosixFilePermissions
		.fromString("rwx------");

	private static final String[] ENGINE_PACKAGES = { "org/graalvm/", "com/oracle/truffle/", "com/ibm/icu/" };

	private NestedJars() {
	}

	/**
	 * Returns the entry of a nested jar named by a code source or class-loader URL.
	 * @param url the URL
	 * @return the nested jar, or {@code null} when the URL is not one
	 */
	static @Nullable Nested parse(String url) {
		Matcher matcher = NESTED.matcher(url);
		if (!matcher.matches()) {
			return null;
		}
		String outer = (matcher.group("nestedOuter") != null) ? matcher.group("nestedOuter")
				: matcher.group("fileOuter");
		String decoded = java.net.URLDecoder.decode(outer.replace("+", "%2B"), StandardCharsets.UTF_8);
		return new Nested(Path.of(decoded), matcher.group("entry"));
	}

	/**
	 * Copies the jars a worker host needs out of the application's executable jar.
	 * @param loader the application's class loader (Spring Boot's, a
	 * {@link URLClassLoader} over the nested jars)
	 * @param core the nested jars of the core classes
	 * @return the copied jars, in class-path order
	 * @throws IOException when a jar cannot be copied
	 */
	static List<String> extract(@Nullable ClassLoader loader, Set<Nested> core) throws IOException {
		Set<Nested> needed = new LinkedHashSet<>(core);
		for (ClassLoader current = loader; current != null; current = current.getParent()) {
			if (current instanceof URLClassLoader urls) {
				for (URL url : urls.getURLs()) {
					String text = "jar:" + url.toString().replaceFirst("^jar:", "");
					Nested nested = parse(text.endsWith("!/") ? text : text + "!/");
					if (nested != null && !needed.contains(nested) && holdsEngine(url)) {
						needed.add(nested);
					}
				}
			}
		}
		List<String> copies = new ArrayList<>();
		for (Nested nested : needed) {
			copies.add(copy(nested).toString());
		}
		return copies;
	}

	private static boolean holdsEngine(URL url) {
		try {
			URL jar = url.toString().startsWith("jar:") ? url : new URL("jar:" + url + "!/");
			URLConnection connection = jar.openConnection();
			if (!(connection instanceof JarURLConnection jarConnection)) {
				return false;
			}
			jarConnection.setUseCaches(false);
			try (JarFile file = jarConnection.getJarFile()) {
				return file.stream().anyMatch((entry) -> {
					for (String prefix : ENGINE_PACKAGES) {
						if (entry.getName().startsWith(prefix)) {
							return true;
						}
					}
					return false;
				});
			}
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	private static Path copy(Nested nested) throws IOException {
		Path directory = directoryFor(nested.outer());
		String name = nested.entry().substring(nested.entry().lastIndexOf('/') + 1);
		Path target = directory.resolve(name);
		try (JarFile outer = new JarFile(nested.outer().toFile())) {
			ZipEntry entry = outer.getEntry(nested.entry());
			if (entry == null) {
				throw new IOException("'" + nested.entry() + "' is not in " + nested.outer());
			}
			if (Files.exists(target) && Files.size(target) == entry.getSize()) {
				return target;
			}
			Path partial = Files.createTempFile(directory, name, ".part");
			try (InputStream in = outer.getInputStream(entry)) {
				Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
			}
			Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			return target;
		}
	}

	private static Path directoryFor(Path outer) throws IOException {
		String key;
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(outer.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
			digest.update(Long.toString(Files.size(outer)).getBytes(StandardCharsets.UTF_8));
			digest.update(Files.getLastModifiedTime(outer).toString().getBytes(StandardCharsets.UTF_8));
			key = HexFormat.of().formatHex(digest.digest(), 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
		Path directory = Path.of(System.getProperty("java.io.tmpdir"), "worker-loader-host-" + key);
		if (!Files.isDirectory(directory, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
			try {
				Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PRIVATE));
				logger.info("Worker hosts run from jars copied out of " + outer.getFileName() + " into " + directory);
			}
			catch (java.nio.file.FileAlreadyExistsException ex) {
				// Another instance made it meanwhile: checked below.
			}
		}
		if (!ownPrivate(directory)) {
			// Someone else's directory (or a link) where ours should be: never run jars
			// from it. A fresh private one costs a copy per start.
			Path fresh = Files.createTempDirectory("worker-loader-host-",
					PosixFilePermissions.asFileAttribute(PRIVATE));
			logger.warn(directory + " is not a private directory of this user: worker host jars are copied into "
					+ fresh + " instead");
			return fresh;
		}
		return directory;
	}

	static boolean ownPrivate(Path directory) throws IOException {
		if (Files.isSymbolicLink(directory)) {
			return false;
		}
		Path probe = Files.createTempFile("worker-loader-owner-", ".probe");
		try {
			return Files.getOwner(directory, java.nio.file.LinkOption.NOFOLLOW_LINKS).equals(Files.getOwner(probe))
					&& Files.getPosixFilePermissions(directory, java.nio.file.LinkOption.NOFOLLOW_LINKS)
						.equals(PRIVATE);
		}
		finally {
			Files.deleteIfExists(probe);
		}
	}

	/**
	 * A jar inside the application's executable jar.
	 *
	 * @param outer the executable jar
	 * @param entry the jar's entry name, such as {@code BOOT-INF/lib/x.jar}
	 */
	record Nested(Path outer, String entry) {
	}

}
