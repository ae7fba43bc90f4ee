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
import org.mailintegrator.core.Authentication;
import org.mailintegrator.core.OAuth2Provider;

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
 * <p>Some documents list OAuth2 for their servers without an {@code <oAuth2>} element of their own (Outlook.com's
 * {@code hotmail.com.xml} names {@code outlook.office365.com}, whose sign-in data is in {@code office365.com.xml}):
 * such a document takes the element of the one other document whose servers on the same host list OAuth2 too, as
 * Thunderbird finds a provider's OAuth2 settings by the server's host name. Hosts whose documents disagree on the
 * element lend none. The document's notes say where the data came from.
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
        List<Map.Entry<String, ClientConfig>> entries = new ArrayList<>();
        List<String> notes = new ArrayList<>();
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
                        entries.add(Map.entry(fields[1], ClientConfig.parse(document)));
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
        Map<String, ClientConfig> byDomain = new HashMap<>();
        for (ClientConfig config : withLentOAuth2(entries)) {
            for (String domain : config.domains()) {
                byDomain.putIfAbsent(domain, config);
            }
        }
        return new Ispdb(commit, date, byDomain, entries.size(), notes);
    }

    /**
     * The documents of {@code entries} (path and document), in order, every one that lists OAuth2 but has no
     * {@code <oAuth2>} element given the element of the other documents whose servers on one of its hosts list
     * OAuth2, when they agree on it.
     */
    private static List<ClientConfig> withLentOAuth2(List<Map.Entry<String, ClientConfig>> entries) {
        Map<String, OAuth2Provider> byHost = new HashMap<>();
        Map<String, String> lender = new HashMap<>();
        List<String> disagreeing = new ArrayList<>();
        for (Map.Entry<String, ClientConfig> entry : entries) {
            Optional<OAuth2Provider> provider = entry.getValue().oauth2();
            if (provider.isEmpty()) {
                continue;
            }
            for (String host : oauth2Hosts(entry.getValue())) {
                OAuth2Provider before = byHost.putIfAbsent(host, provider.get());
                if (before == null) {
                    lender.put(host, entry.getKey());
                } else if (!before.equals(provider.get())) {
                    disagreeing.add(host);
                }
            }
        }
        disagreeing.forEach(byHost::remove);
        List<ClientConfig> result = new ArrayList<>(entries.size());
        for (Map.Entry<String, ClientConfig> entry : entries) {
            ClientConfig config = entry.getValue();
            if (config.oauth2().isEmpty()) {
                for (String host : oauth2Hosts(config)) {
                    OAuth2Provider provider = byHost.get(host);
                    if (provider != null) {
                        config = config.withOAuth2(provider, "the OAuth2 sign-in data is the " + lender.get(host)
                                + " entry's, which names the same server " + host);
                        break;
                    }
                }
            }
            result.add(config);
        }
        return result;
    }

    /** The host names (lower case, without placeholders) of {@code config}'s servers that list OAuth2. */
    private static List<String> oauth2Hosts(ClientConfig config) {
        return config.servers().stream()
                .filter(server -> server.authentication().contains(Authentication.OAUTH2))
                .map(server -> server.hostname().toLowerCase(Locale.ROOT))
                .filter(host -> host.indexOf('%') < 0)
                .distinct()
                .toList();
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
