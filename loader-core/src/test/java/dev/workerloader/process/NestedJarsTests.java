package dev.workerloader.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker host's classpath out of a Spring Boot executable jar (issue 16);
 * {@code ExecutableJarProcessTierIT} in the demo runs a real one.
 *
 * @author Worker Loader team
 */
class NestedJarsTests {

	@Test
	void nestedJarUrlsOfBothBootFormatsAreRecognised() {
		assertThat(NestedJars.parse("jar:nested:/srv/my%20app/app.jar/!BOOT-INF/lib/loader-core-0.1.0.jar!/"))
			.isEqualTo(new NestedJars.Nested(Path.of("/srv/my app/app.jar"), "BOOT-INF/lib/loader-core-0.1.0.jar"));
		assertThat(NestedJars.parse("jar:file:/srv/app.jar!/BOOT-INF/lib/polyglot-25.0.1.jar!/"))
			.isEqualTo(new NestedJars.Nested(Path.of("/srv/app.jar"), "BOOT-INF/lib/polyglot-25.0.1.jar"));
		// The application's own classes and plain jars are not nested jars.
		assertThat(NestedJars.parse("jar:nested:/srv/app.jar/!BOOT-INF/classes/!/")).isNull();
		assertThat(NestedJars.parse("file:/home/me/.m2/repository/x/x.jar")).isNull();
	}

	@Test
	void aNestedJarIsCopiedOnceIntoAPrivateDirectory(@TempDir Path dir) throws Exception {
		byte[] inner = "not really a jar, but bytes to copy".getBytes();
		Path app = dir.resolve("app.jar");
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(app))) {
			// Boot stores nested jars uncompressed.
			JarEntry entry = new JarEntry("BOOT-INF/lib/inner-1.0.jar");
			entry.setMethod(ZipEntry.STORED);
			entry.setSize(inner.length);
			CRC32 crc = new CRC32();
			crc.update(inner);
			entry.setCrc(crc.getValue());
			out.putNextEntry(entry);
			out.write(inner);
			out.closeEntry();
		}
		NestedJars.Nested nested = new NestedJars.Nested(app, "BOOT-INF/lib/inner-1.0.jar");
		List<String> copies = NestedJars.extract(null, Set.of(nested));
		assertThat(copies).singleElement().satisfies((copy) -> {
			Path path = Path.of(copy);
			assertThat(path.getFileName().toString()).isEqualTo("inner-1.0.jar");
			assertThat(Files.readAllBytes(path)).isEqualTo(inner);
			assertThat(Files.getPosixFilePermissions(path.getParent()))
				.isEqualTo(PosixFilePermissions.fromString("rwx------"));
		});
		// A second host start reuses the copy.
		assertThat(NestedJars.extract(null, Set.of(nested))).isEqualTo(copies);
	}

	@Test
	void onlyAPrivateDirectoryOfThisUserIsTrusted(@TempDir Path dir) throws Exception {
		Path open = Files.createDirectory(dir.resolve("open"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
		Path own = Files.createDirectory(dir.resolve("own"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Path link = Files.createSymbolicLink(dir.resolve("link"), own);
		assertThat(NestedJars.ownPrivate(open)).isFalse();
		assertThat(NestedJars.ownPrivate(link)).isFalse();
		assertThat(NestedJars.ownPrivate(own)).isTrue();
	}

}
