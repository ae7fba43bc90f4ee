package org.mailintegrator.discovery;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Regenerates the bundled ISPDB snapshot ({@code ispdb-snapshot.gz}, {@code LICENSE-ISPDB.txt},
 * {@code SOURCE.txt}) from a clone of https://github.com/thunderbird/autoconfig, reading the committed
 * {@code HEAD} (not the work tree) with {@code git}, so that the result is reproducible from the commit alone:
 *
 * <pre>
 * git clone https://github.com/thunderbird/autoconfig /tmp/autoconfig
 * mvn -B -q -pl discovery -am test-compile -DskipTests
 * java -cp discovery/target/test-classes:discovery/target/classes:core/target/classes \
 *     org.mailintegrator.discovery.IspdbSnapshotTool /tmp/autoconfig \
 *     discovery/src/main/resources/org/mailintegrator/discovery/ispdb
 * </pre>
 *
 * <p>Every document is checked with the library's own parser before it is written; the program fails if one does
 * not parse. Not thread-safe; a command-line program.
 */
public final class IspdbSnapshotTool {
    static final String SOURCE_URL = "https://github.com/thunderbird/autoconfig";

    private IspdbSnapshotTool() {
    }

    /** {@code args}: the repository (a clone, bare or not), the output directory. */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: IspdbSnapshotTool <autoconfig repository> <output directory>");
            System.exit(2);
        }
        Path repository = Path.of(args[0]);
        Path output = Path.of(args[1]);
        String commit = git(repository, "rev-parse", "HEAD").strip();
        String date = git(repository, "log", "-1", "--format=%cI", "HEAD").strip();
        List<Map.Entry<String, byte[]>> entries = new ArrayList<>();
        for (String path : git(repository, "ls-tree", "--name-only", "HEAD", "ispdb/").split("\n")) {
            if (path.isBlank() || !path.endsWith(".xml")) {
                continue;
            }
            byte[] document = gitBytes(repository, "show", "HEAD:" + path);
            ClientConfig.parse(document);
            entries.add(Map.entry(path, document));
        }
        Files.createDirectories(output);
        try (OutputStream out = Files.newOutputStream(output.resolve("ispdb-snapshot.gz"))) {
            write(out, commit, date, entries);
        }
        Files.write(output.resolve("LICENSE-ISPDB.txt"), gitBytes(repository, "show", "HEAD:LICENSE"));
        long size = Files.size(output.resolve("ispdb-snapshot.gz"));
        Files.writeString(output.resolve("SOURCE.txt"), String.join("\n",
                "Mozilla ISPDB (Thunderbird autoconfig database), bundled as ispdb-snapshot.gz",
                "",
                "source:    " + SOURCE_URL,
                "commit:    " + commit,
                "date:      " + date,
                "documents: " + entries.size() + " files from ispdb/, unchanged, in a length-prefixed gzip archive"
                        + " (format: Ispdb.java)",
                "licence:   Mozilla Public License 2.0, LICENSE-ISPDB.txt (the repository's LICENSE file)",
                "",
                "Regenerate with IspdbSnapshotTool (discovery/src/test/java/org/mailintegrator/discovery);",
                "the command is in its header.",
                ""));
        Ispdb check;
        try (InputStream in = Files.newInputStream(output.resolve("ispdb-snapshot.gz"))) {
            check = Ispdb.from(in);
        }
        System.out.println("wrote " + check + " from " + commit + " (" + date + "), " + size + " bytes");
    }

    /** Writes a gzip-compressed snapshot in the format {@link Ispdb} reads. */
    static void write(OutputStream out, String commit, String date, List<Map.Entry<String, byte[]>> entries)
            throws IOException {
        try (GZIPOutputStream gzip = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gzip.write(header(commit, date));
            for (Map.Entry<String, byte[]> entry : entries) {
                if (entry.getKey().contains(" ") || entry.getKey().contains("\n")) {
                    throw new IllegalArgumentException("an entry name with white space: " + entry.getKey());
                }
                gzip.write(("entry " + entry.getKey() + " " + entry.getValue().length + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                gzip.write(entry.getValue());
            }
            gzip.write("end\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A snapshot in memory, for tests. */
    static Ispdb snapshot(String date, List<Map.Entry<String, byte[]>> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, "0000000000000000000000000000000000000000", date, entries);
        return Ispdb.from(new ByteArrayInputStream(out.toByteArray()));
    }

    private static byte[] header(String commit, String date) {
        return (Ispdb.MAGIC + "\nsource " + SOURCE_URL + "\ncommit " + commit + "\ndate " + date + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String git(Path repository, String... arguments) throws IOException, InterruptedException {
        return new String(gitBytes(repository, arguments), StandardCharsets.UTF_8);
    }

    private static byte[] gitBytes(Path repository, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", repository.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (process.waitFor() != 0) {
            throw new IOException("failed: " + String.join(" ", command));
        }
        return out;
    }
}
