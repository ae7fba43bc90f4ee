package org.mailintegrator.discovery;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of Mozilla's ISPDB (the Thunderbird autoconfig database): one clientConfig document per provider,
 * looked up by any domain a provider declares. The snapshot bundled with this library is {@link #bundled()}; a
 * caller may load another with {@link #from(InputStream)}.
 *
 * <p>The snapshot format, gzip-compressed, is UTF-8 lines ending in {@code \n} and length-prefixed documents, each
 * document's bytes followed at once by the next line:
 *
 * <pre>
 * ISPDB-SNAPSHOT 1
 * source https://github.com/thunderbird/autoconfig
 * commit &lt;the repository's commit&gt;
 * date &lt;the commit's date, ISO 8601 with offset&gt;
 * entry ispdb/gmail.com.xml 2841
 * &lt;2841 bytes: the file as the repository has it&gt;
 * entry ...
 * end
 * </pre>
 *
 * <p>It is written by {@code IspdbSnapshotTool} in this module's tests, which documents how to regenerate it. A
 * document that does not parse is left out with a note; when two providers declare the same domain, the first in
 * the snapshot keeps it.
 *
 * <p>Instances are immutable and thread-safe; the bundled snapshot is read once, on first use.
 */
final class Ispdb {
    /** Where the bundled snapshot is, on the class path. */
    static final String BUNDLED_RESOURCE = "/org/mailintegrator/discovery/ispdb/ispdb-snapshot.gz";

    static final String MAGIC = "ISPDB-SNAPSHOT 1";

    /** The most a snapshot may hold, uncompressed: 64 MiB (the whole database is a few hundred kilobytes). */
    static final long MAX_SNAPSHOT_BYTES = 64L << 20;

    private static final int MAX_LINE = 1_000;

    private static volatile @Nullable Ispdb bundled;

    private final String commit;
    private final LocalDate snapshotDate;
    private final Map<String, ClientConfig> byDomain;
    private final int providers;
    private final List<String> notes;

    private Ispdb(String commit, LocalDate snapshotDate, Map<String, ClientConfig> byDomain, int providers,
            List<String> notes) {
        this.commit = commit;
        this.snapshotDate = snapshotDate;
        this.byDomain = Map.copyOf(byDomain);
        this.providers = providers;
        this.notes = List.copyOf(notes);
    }

    /**
     * The snapshot bundled with this library, read on the first call (once, whichever thread asks first).
     *
     * @throws IOException if the bundled resource is missing or damaged (asked again on the next call)
     */
    static Ispdb bundled() throws IOException {
        Ispdb loaded = bundled;
        if (loaded == null) {
            synchronized (Ispdb.class) {
                loaded = bundled;
                if (loaded == null) {
                    try (InputStream in = Ispdb.class.getResourceAsStream(BUNDLED_RESOURCE)) {
                        if (in == null) {
                            throw new IOException("the bundled ISPDB snapshot " + BUNDLED_RESOURCE + " is missing");
                        }
                        loaded = from(in);
                    }
                    bundled = loaded;
                }
            }
        }
        return loaded;
    }

    /**
     * Reads a gzip-compressed snapshot (the format above) from {@code in}, which is not closed.
     *
     * @throws IOException if it cannot be read, is not a snapshot, or is larger than {@link #MAX_SNAPSHOT_BYTES}
     */
    static Ispdb from(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in");
        Reader reader = new Reader(new BufferedInputStream(new GZIPInputStream(in)));
        if (!MAGIC.equals(reader.line())) {
            throw new IOException("not an ISPDB snapshot (the first line is not \"" + MAGIC + "\")");
        }
        String commit = "";
        LocalDate date = null;
        Map<String, ClientConfig> byDomain = new HashMap<>();
        List<String> notes = new ArrayList<>();
        int providers = 0;
        for (String line = reader.line(); !"end".equals(line); line = reader.line()) {
            String[] fields = line.split(" ");
            switch (fields[0]) {
                case "source":
                    break;
                case "commit":
                    commit = fields.length > 1 ? fields[1] : "";
                    break;
                case "date":
                    date = date(fields.length > 1 ? fields[1] : "");
                    break;
                case "entry":
                    if (fields.length != 3) {
                        throw new IOException("a malformed entry line in the ISPDB snapshot: " + line);
                    }
                    byte[] document = reader.bytes(length(fields[2]));
                    try {
                        ClientConfig config = ClientConfig.parse(document);
                        providers++;
                        for (String domain : config.domains()) {
                            byDomain.putIfAbsent(domain, config);
                        }
                    } catch (ClientConfig.InvalidConfigException e) {
                        notes.add(fields[1] + " left out: " + e.getMessage());
                    }
                    break;
                default:
                    throw new IOException("an unknown line in the ISPDB snapshot: " + line);
            }
        }
        if (date == null) {
            throw new IOException("the ISPDB snapshot has no date line");
        }
        return new Ispdb(commit, date, byDomain, providers, notes);
    }

    /**
     * The provider that declares {@code domain} (case-insensitive, a trailing dot ignored), if any.
     */
    Optional<ClientConfig> lookup(String domain) {
        String key = domain.strip().toLowerCase(Locale.ROOT);
        if (key.endsWith(".")) {
            key = key.substring(0, key.length() - 1);
        }
        return Optional.ofNullable(byDomain.get(key));
    }

    /** The date (UTC) of the ISPDB commit the snapshot was taken from. */
    LocalDate snapshotDate() {
        return snapshotDate;
    }

    /** The ISPDB repository's commit the snapshot was taken from, or empty if the snapshot does not say. */
    String commit() {
        return commit;
    }

    /** How many provider documents the snapshot holds that parsed. */
    int providers() {
        return providers;
    }

    /** How many domains the providers declare. */
    int domains() {
        return byDomain.size();
    }

    /** Documents left out, and why. */
    List<String> notes() {
        return notes;
    }

    @Override
    public String toString() {
        return "ISPDB snapshot of " + snapshotDate + " (" + providers + " providers, " + byDomain.size()
                + " domains)";
    }

    private static LocalDate date(String text) throws IOException {
        try {
            return OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
        } catch (DateTimeParseException e) {
            throw new IOException("the ISPDB snapshot's date is not an ISO 8601 date-time: " + text, e);
        }
    }

    private static int length(String text) throws IOException {
        try {
            int length = Integer.parseInt(text);
            if (length < 0 || length > ClientConfig.MAX_BYTES) {
                throw new IOException("an ISPDB snapshot entry of " + text + " bytes (at most "
                        + ClientConfig.MAX_BYTES + ")");
            }
            return length;
        } catch (NumberFormatException e) {
            throw new IOException("an ISPDB snapshot entry length is not a number: " + text, e);
        }
    }

    /** Lines and byte blocks from the uncompressed snapshot, counting against {@link #MAX_SNAPSHOT_BYTES}. */
    private static final class Reader {
        private final InputStream in;
        private long read;

        Reader(InputStream in) {
            this.in = in;
        }

        String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int c = next(); c != '\n'; c = next()) {
                if (line.size() >= MAX_LINE) {
                    throw new IOException("a line longer than " + MAX_LINE + " bytes in the ISPDB snapshot");
                }
                line.write(c);
            }
            return line.toString(StandardCharsets.UTF_8);
        }

        byte[] bytes(int length) throws IOException {
            count(length);
            byte[] bytes = in.readNBytes(length);
            if (bytes.length < length) {
                throw new EOFException("the ISPDB snapshot ends inside an entry");
            }
            return bytes;
        }

        private int next() throws IOException {
            count(1);
            int c = in.read();
            if (c < 0) {
                throw new EOFException("the ISPDB snapshot ends before its \"end\" line");
            }
            return c;
        }

        private void count(long bytes) throws IOException {
            read += bytes;
            if (read > MAX_SNAPSHOT_BYTES) {
                throw new IOException("the ISPDB snapshot is larger than " + MAX_SNAPSHOT_BYTES + " bytes");
            }
        }
    }
}
