package org.mailintegrator.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The project's Markdown stays true to the code. Every {@code ```java} block of every Markdown file is, verbatim
 * (indentation aside), a region of a compiled source file marked {@code // snippet:name} ... {@code // end-snippet}
 * (the regions of one name in one file are read as one, in order, a blank line apart, so a snippet may show
 * imports and code); every marked region is shown somewhere; and every relative link of the guides (every Markdown
 * file but the changelog) resolves to a file, and to a heading where it names one. The sources are those under {@code src/main/java} and {@code src/test/java} of the reactor's modules, which
 * the build compiles; most regions sit in tests that run them.
 */
class DocumentationTest {
    private static final Path ROOT = projectRoot();
    private static final String START = "// snippet:";
    private static final String END = "// end-snippet";
    private static final Pattern FENCE = Pattern.compile("^(\\s*)```\\s*([\\w-]*)\\s*$");
    private static final Pattern INLINE_LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern REFERENCE_LINK = Pattern.compile("^\\s*\\[[^\\]]+\\]:\\s*(\\S+)");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");

    @Test
    void everyJavaBlockIsARegionOfACompiledSourceFile() {
        Map<String, List<Region>> regionsByText = new HashMap<>();
        for (Region region : regions()) {
            regionsByText.computeIfAbsent(region.text(), text -> new ArrayList<>()).add(region);
        }
        List<String> problems = new ArrayList<>();
        Set<Region> shown = new java.util.HashSet<>();
        List<Block> blocks = markdownFiles().stream().flatMap(file -> javaBlocks(file).stream()).toList();
        for (Block block : blocks) {
            List<Region> same = regionsByText.get(block.text());
            if (same == null) {
                problems.add(block.where() + ": this ```java block is not a `// snippet:` region of any compiled"
                        + " source file" + closest(block, regionsByText.values()));
            } else {
                shown.addAll(same);
            }
        }
        regionsByText.values().stream().flatMap(List::stream).filter(region -> !shown.contains(region))
                .forEach(region -> problems.add(region.where() + ": the region `// snippet:" + region.name()
                        + "` is shown by no ```java block of the Markdown files"));

        assertThat(blocks).as("```java blocks found").hasSizeGreaterThan(10);
        assertThat(problems).as("snippets out of step with the code").isEmpty();
    }

    @Test
    void everyRelativeLinkResolves() {
        List<String> problems = new ArrayList<>();
        for (Path file : markdownFiles()) {
            if (file.equals(ROOT.resolve("CHANGELOG.md"))) {
                continue;                                              // the changelog is a record, not a guide
            }
            for (Link link : links(file)) {
                String target = link.target();
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue;                                          // https:, mailto: ...
                }
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
                if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
                    problems.add(link.where() + ": " + target + " does not resolve to a file");
                } else if (anchor != null && resolved.toString().endsWith(".md")
                        && !headingAnchors(resolved).contains(anchor)) {
                    problems.add(link.where() + ": " + target + " names no heading of " + ROOT.relativize(resolved));
                }
            }
        }
        assertThat(problems).as("broken relative links").isEmpty();
    }

    private record Region(Path file, int line, String name, String text) {
        String where() {
            return ROOT.relativize(file) + ":" + line;
        }
    }

    private record Block(Path file, int line, String text) {
        String where() {
            return ROOT.relativize(file) + ":" + line;
        }
    }

    private record Link(Path file, int line, String target) {
        String where() {
            return ROOT.relativize(file) + ":" + line;
        }
    }

    /** The marked regions of every compiled source file; the parts of one name in one file joined in order. */
    private static List<Region> regions() {
        List<Region> regions = new ArrayList<>();
        for (Path file : files(path -> path.toString().endsWith(".java")
                && (path.toString().contains("/src/main/java/") || path.toString().contains("/src/test/java/")))) {
            Map<String, List<String>> parts = new LinkedHashMap<>();
            Map<String, Integer> firstLine = new HashMap<>();
            List<String> lines = read(file);
            String open = null;
            List<String> part = null;
            for (int i = 0; i < lines.size(); i++) {
                String trimmed = lines.get(i).trim();
                if (trimmed.startsWith(START)) {
                    if (open != null) {
                        throw new AssertionError(ROOT.relativize(file) + ":" + (i + 1) + ": `" + trimmed
                                + "` inside the region " + open + " (snippets do not nest)");
                    }
                    open = trimmed.substring(START.length()).trim();
                    firstLine.putIfAbsent(open, i + 1);
                    part = new ArrayList<>();
                } else if (trimmed.equals(END)) {
                    if (open == null) {
                        throw new AssertionError(ROOT.relativize(file) + ":" + (i + 1) + ": " + END + " without a start");
                    }
                    parts.computeIfAbsent(open, name -> new ArrayList<>()).add(normalise(part));
                    open = null;
                } else if (open != null) {
                    part.add(lines.get(i));
                }
            }
            if (open != null) {
                throw new AssertionError(ROOT.relativize(file) + ":" + firstLine.get(open) + ": the region " + open
                        + " has no " + END);
            }
            parts.forEach((name, texts) -> regions.add(new Region(file, firstLine.get(name), name,
                    String.join("\n\n", texts))));
        }
        return regions;
    }

    private static List<Block> javaBlocks(Path file) {
        List<Block> blocks = new ArrayList<>();
        List<String> lines = read(file);
        for (int i = 0; i < lines.size(); i++) {
            Matcher fence = FENCE.matcher(lines.get(i));
            if (!fence.matches()) {
                continue;
            }
            int start = i;
            List<String> content = new ArrayList<>();
            for (i++; i < lines.size() && !FENCE.matcher(lines.get(i)).matches(); i++) {
                content.add(lines.get(i));
            }
            if (fence.group(2).equals("java")) {
                blocks.add(new Block(file, start + 1, normalise(content)));
            }
        }
        return blocks;
    }

    private static List<Link> links(Path file) {
        List<Link> links = new ArrayList<>();
        boolean inFence = false;
        List<String> lines = read(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (FENCE.matcher(line).matches()) {
                inFence = !inFence;
                continue;
            }
            if (inFence) {
                continue;
            }
            String text = INLINE_CODE.matcher(line).replaceAll("");
            Matcher inline = INLINE_LINK.matcher(text);
            while (inline.find()) {
                links.add(new Link(file, i + 1, inline.group(1)));
            }
            Matcher reference = REFERENCE_LINK.matcher(text);
            if (reference.find()) {
                links.add(new Link(file, i + 1, reference.group(1)));
            }
        }
        return links;
    }

    /** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as hyphens. */
    private static Set<String> headingAnchors(Path file) {
        Set<String> anchors = new TreeSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean inFence = false;
        for (String line : read(file)) {
            if (FENCE.matcher(line).matches()) {
                inFence = !inFence;
            } else if (!inFence && line.startsWith("#")) {
                String slug = line.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
                int count = seen.merge(slug, 1, Integer::sum);
                anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
        }
        return anchors;
    }

    /** Indentation common to all lines, trailing spaces and blank lines at either end removed. */
    private static String normalise(List<String> lines) {
        List<String> stripped = lines.stream().map(String::stripTrailing).collect(Collectors.toList());
        while (!stripped.isEmpty() && stripped.get(0).isEmpty()) {
            stripped.remove(0);
        }
        while (!stripped.isEmpty() && stripped.get(stripped.size() - 1).isEmpty()) {
            stripped.remove(stripped.size() - 1);
        }
        int indent = stripped.stream().filter(line -> !line.isEmpty())
                .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        return stripped.stream().map(line -> line.isEmpty() ? line : line.substring(indent))
                .collect(Collectors.joining("\n"));
    }

    /** The region that starts like the block, and the first line where the two differ: what to fix. */
    private static String closest(Block block, Iterable<List<Region>> regions) {
        String[] blockLines = block.text().split("\n", -1);
        Region best = null;
        int bestSame = 0;
        for (List<Region> same : regions) {
            for (Region region : same) {
                String[] regionLines = region.text().split("\n", -1);
                int n = 0;
                while (n < blockLines.length && n < regionLines.length && blockLines[n].equals(regionLines[n])) {
                    n++;
                }
                if (n > bestSame) {
                    best = region;
                    bestSame = n;
                }
            }
        }
        if (best == null) {
            return "";
        }
        String[] regionLines = best.text().split("\n", -1);
        return "; closest: " + best.name() + " at " + best.where() + ", which differs at the block's line "
                + (bestSame + 1) + ": block `" + (bestSame < blockLines.length ? blockLines[bestSame] : "(end)")
                + "`, region `" + (bestSame < regionLines.length ? regionLines[bestSame] : "(end)") + "`";
    }

    private static List<Path> markdownFiles() {
        return files(path -> path.toString().endsWith(".md"));
    }

    private static List<Path> files(java.util.function.Predicate<Path> wanted) {
        try (Stream<Path> paths = Files.walk(ROOT)) {
            return paths.filter(path -> {
                        for (Path part : ROOT.relativize(path)) {
                            String name = part.toString();
                            if (name.equals("target") || name.startsWith(".") || name.equals("node_modules")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .filter(Files::isRegularFile).filter(wanted).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reactor's root: the examples module's parent, where README.md is. */
    private static Path projectRoot() {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !(Files.exists(root.resolve("README.md")) && Files.exists(root.resolve("examples")))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new IllegalStateException("no project root above " + Path.of("").toAbsolutePath());
        }
        return root;
    }
}
