package org.mailintegrator.apicheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The build's nullness check works: javac, run with the compiler arguments of the parent POM's
 * {@code maven-compiler-plugin} (read from the POM) and the JVM options of {@code .mvn/jvm.config}, rejects a
 * dereference of a {@code @Nullable} value in a {@code @NullMarked} package with a NullAway error. Error Prone and
 * NullAway come from this module's test class path, in the versions the POM names.
 */
class NullnessCheckTest {

    @Test
    void aNullableDereferenceFailsTheCompile(@TempDir Path dir) throws Exception {
        Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
        Path sources = Files.createDirectories(dir.resolve("src/wrong"));
        Files.writeString(sources.resolve("package-info.java"),
                "@org.jspecify.annotations.NullMarked\npackage wrong;\n");
        Path names = Files.writeString(sources.resolve("Names.java"), String.join("\n",
                "package wrong;",
                "",
                "final class Names {",
                "    static @org.jspecify.annotations.Nullable String nickname() {",
                "        return null;",
                "    }",
                "",
                "    static int length() {",
                "        return nickname().length();",
                "    }",
                "}",
                ""));

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "javac").toString());
        for (String option : Files.readAllLines(root.resolve(".mvn/jvm.config"))) {
            if (!option.isBlank()) {
                command.add("-J" + option.strip());
            }
        }
        List<String> compilerArgs = mainCompilerArgs(root.resolve("pom.xml"));
        assertThat(compilerArgs).as("the parent POM's compiler arguments").anyMatch(arg -> arg.contains("NullAway"));
        command.addAll(compilerArgs);
        // the POM gives Error Prone and NullAway as the processor path, JSpecify comes with core
        String classPath = Stream.of(System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")).split(File.pathSeparator))
                .filter(entry -> Files.exists(Path.of(entry))).collect(Collectors.joining(File.pathSeparator));
        command.addAll(List.of("-classpath", classPath, "-processorpath", classPath,
                "-d", Files.createDirectories(dir.resolve("classes")).toString(),
                sources.resolve("package-info.java").toString(), names.toString()));

        Process javac = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(javac.waitFor(2, TimeUnit.MINUTES)).as("javac finished").isTrue();

        assertThat(javac.exitValue()).as(output).isNotZero();
        assertThat(output)
                .contains(names + ":9: error: [NullAway] dereferenced expression 'nickname()' is @Nullable")
                .contains("1 error");
    }

    /** The {@code compilerArgs} of the compiler plugin's own configuration, which the main sources compile with. */
    private static List<String> mainCompilerArgs(Path pom) throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile())
                .getDocumentElement();
        Element plugins = child(child(child(project, "build"), "pluginManagement"), "plugins");
        for (Element plugin : children(plugins, "plugin")) {
            if (child(plugin, "artifactId").getTextContent().strip().equals("maven-compiler-plugin")) {
                List<String> args = new ArrayList<>();
                for (Element arg : children(child(child(plugin, "configuration"), "compilerArgs"), "arg")) {
                    args.add(arg.getTextContent().strip());
                }
                return args;
            }
        }
        throw new AssertionError("no maven-compiler-plugin in the pluginManagement of " + pom);
    }

    private static Element child(Element parent, String name) throws IOException {
        List<Element> found = children(parent, name);
        if (found.size() != 1) {
            throw new IOException("expected one <" + name + "> in <" + parent.getTagName() + ">, found "
                    + found.size());
        }
        return found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element && ((Element) node).getTagName().equals(name)) {
                found.add((Element) node);
            }
        }
        return found;
    }
}
