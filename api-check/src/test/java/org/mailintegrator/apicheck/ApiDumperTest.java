package org.mailintegrator.apicheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailintegrator.apicheck.fixture.Fixture;

/** The dumper on a fixture: what it renders, what it leaves out, and that jars and directories agree. */
class ApiDumperTest {
    private static final String FIXTURE_PACKAGE = Fixture.class.getPackageName();
    private static final String FIXTURE = Fixture.class.getName();

    private final List<String> dump = ApiDumper.forThisClassPath().dump(List.of(FIXTURE_PACKAGE));

    @Test
    void rendersTheTypeWithItsGenericSupertypes() {
        assertThat(dump).contains(FIXTURE + " :: type public class " + FIXTURE
                + "<T extends java.lang.Comparable<T>> implements java.lang.Comparable<" + FIXTURE + "<T>>");
    }

    @Test
    void rendersAGenericMethodWithWildcardsVarargsAndThrows() {
        assertThat(dump).contains(FIXTURE + " :: method public final <R extends java.lang.Number> java.util.List<R> "
                + "map(java.util.function.Function<? super T, ? extends R>, java.lang.String...)"
                + " throws java.io.IOException");
    }

    @Test
    void marksDeprecatedMembers() {
        assertThat(dump).contains(
                FIXTURE + " :: method @Deprecated(since=\"0.1\", forRemoval=true) public void old()",
                FIXTURE + "$Mode :: enum-constant @Deprecated SLOW",
                FIXTURE + "$Mode :: enum-constant FAST");
    }

    @Test
    void rendersConstantValuesFromTheClassFileOnly() {
        assertThat(dump).contains(
                FIXTURE + " :: field public static final java.lang.String NAME = \"a \\\"quoted\\\" name\"",
                FIXTURE + " :: field public static final long LIMIT = 42L",
                FIXTURE + " :: field public static final java.lang.Object MONITOR",
                FIXTURE + " :: field protected int counter");
    }

    @Test
    void rendersNestedTypesAsMembersAndAsTypes() {
        assertThat(dump).contains(
                FIXTURE + " :: nested public static final class " + FIXTURE + "$Nested",
                FIXTURE + "$Nested :: type public static final class " + FIXTURE + "$Nested",
                FIXTURE + "$Nested :: constructor public " + FIXTURE + "$Nested()",
                FIXTURE + "$Listener :: type public static interface " + FIXTURE + "$Listener",
                FIXTURE + "$Listener :: method public default void off()",
                FIXTURE + "$Listener :: method public abstract void on()",
                FIXTURE + "$Point :: type public static record " + FIXTURE
                        + "$Point(int x, java.util.List<java.lang.String> y)",
                FIXTURE + "$Point :: method public java.util.List<java.lang.String> y()",
                FIXTURE + "$Mode :: type public static enum " + FIXTURE + "$Mode");
    }

    @Test
    void leavesOutWhatIsNotPublicApi() {
        assertThat(dump).noneMatch(line -> line.contains("rivate") || line.contains("unreachable"))
                .noneMatch(line -> line.contains("PackagePrivate"))
                .noneMatch(line -> line.contains("Fixture(int)"));
        assertThat(dump).filteredOn(line -> line.contains("compareTo"))
                .containsExactly(FIXTURE + " :: method public int compareTo(" + FIXTURE + "<T>)");
    }

    @Test
    void sortsTypesAndSeparatesThemWithABlankLine() {
        List<String> types = dump.stream().filter(line -> line.contains(" :: type ")).collect(Collectors.toList());

        assertThat(types).hasSize(5).isSorted();
        assertThat(dump).filteredOn(String::isEmpty).hasSize(types.size() - 1);
        assertThat(dump.get(0)).startsWith(FIXTURE + " :: type ");
    }

    @Test
    void aPackageWithoutClassesHasNoApi() {
        assertThat(ApiDumper.forThisClassPath().dump(List.of("org.mailintegrator.apicheck.nosuchpackage"))).isEmpty();
    }

    @Test
    void aJarGivesTheSameDumpAsADirectory(@TempDir Path temp) throws IOException, URISyntaxException {
        Path classes = Paths.get(Fixture.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path withDirectories = jar(classes, temp.resolve("with-directories.jar"), true);
        Path withoutDirectories = jar(classes, temp.resolve("without-directories.jar"), false);

        // found through the class loader: needs the jar's directory entries, as Maven writes them
        try (URLClassLoader loader = loaderFor(withDirectories)) {
            assertThat(new ApiDumper(loader, List.of()).dump(List.of(FIXTURE_PACKAGE))).isEqualTo(dump);
        }
        // found through the class path
        try (URLClassLoader loader = loaderFor(withoutDirectories)) {
            assertThat(new ApiDumper(loader, List.of(withoutDirectories)).dump(List.of(FIXTURE_PACKAGE)))
                    .isEqualTo(dump);
        }
    }

    private static URLClassLoader loaderFor(Path jar) throws IOException {
        // the fixture needs nothing but the JDK: a loader that cannot see the directory it was compiled to
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    private static Path jar(Path classes, Path jar, boolean directoryEntries) throws IOException {
        Path fixtureDirectory = classes.resolve(FIXTURE_PACKAGE.replace('.', '/'));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.list(fixtureDirectory)) {
            if (directoryEntries) {
                String path = "";
                for (String part : FIXTURE_PACKAGE.split("\\.")) {
                    path += part + "/";
                    out.putNextEntry(new JarEntry(path));
                    out.closeEntry();
                }
            }
            for (Path file : files.sorted().collect(Collectors.toList())) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
