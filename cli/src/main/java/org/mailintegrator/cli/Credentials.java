package org.mailintegrator.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.MailAccount;
import picocli.CommandLine.Option;

/**
 * Where the password or access token comes from (a picocli mixin): never an argument, which other users see and
 * shell history keeps. A password comes from {@value #PASSWORD_VARIABLE}, a file only its owner can read, or the
 * console without echo; a token from an environment variable or such a file. Not thread-safe.
 */
final class Credentials {
    /** The environment variable a password is read from. */
    static final String PASSWORD_VARIABLE = "MAIL_INTEGRATOR_PASSWORD";

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the password from the first line of this file, which only its owner may read.")
    @Nullable Path passwordFile;

    @Option(names = "--token-env", paramLabel = "VARIABLE",
            description = "Sign in with an OAuth2 access token read from this environment variable.")
    @Nullable String tokenVariable;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Sign in with an OAuth2 access token read from this file, which only its owner may read.")
    @Nullable Path tokenFile;

    /**
     * Adds the secret to {@code account}: the token when one is asked for, else the password.
     *
     * @throws IllegalArgumentException when there is none, or its file may be read by others (a usage error)
     */
    void addTo(MailAccount.Builder account, String address, Map<String, String> environment) {
        int given = (passwordFile != null ? 1 : 0) + (tokenVariable != null ? 1 : 0) + (tokenFile != null ? 1 : 0);
        if (given > 1) {
            throw new IllegalArgumentException("give one of --password-file, --token-env and --token-file");
        }
        if (tokenVariable != null) {
            account.accessToken(nonEmpty(environment.get(tokenVariable), "the environment variable " + tokenVariable));
        } else if (tokenFile != null) {
            account.accessToken(firstLine(tokenFile, "--token-file"));
        } else if (passwordFile != null) {
            account.password(firstLine(passwordFile, "--password-file"));
        } else {
            account.password(password(address, environment));
        }
    }

    private static String password(String address, Map<String, String> environment) {
        String fromEnvironment = environment.get(PASSWORD_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            return fromEnvironment;
        }
        Console console = System.console();
        char[] typed = console == null ? null : console.readPassword("Password for %s: ", address);
        if (typed == null || typed.length == 0) {
            throw new IllegalArgumentException("no password: set " + PASSWORD_VARIABLE + ", give --password-file, "
                    + "or run from a terminal to be asked for it");
        }
        try {
            return new String(typed);
        } finally {
            Arrays.fill(typed, '\0');
        }
    }

    private static String firstLine(Path file, String option) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(OTHERS::contains)) {
                throw new IllegalArgumentException(option + " " + file + " may be read or written by other users: "
                        + "make it readable by its owner only (chmod 600 " + file + ")");
            }
            String content = Files.readString(file, StandardCharsets.UTF_8);
            int end = content.indexOf('\n');
            return nonEmpty((end < 0 ? content : content.substring(0, end)).strip(), option + " " + file);
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException(option + ": this file system cannot tell who may read " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + ": cannot read " + file + " (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    private static String nonEmpty(@Nullable String value, String where) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("no secret in " + where + ": it is not set or is empty");
        }
        return value;
    }
}
