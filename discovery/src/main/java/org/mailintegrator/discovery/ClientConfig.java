package org.mailintegrator.discovery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.Authentication;
import org.mailintegrator.core.Endpoint;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.OAuth2Provider;
import org.mailintegrator.core.ProtocolCandidate;
import org.mailintegrator.core.Provenance;
import org.mailintegrator.core.Security;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * A provider's document in Thunderbird's clientConfig 1.1 format, as autoconfig servers and Mozilla's ISPDB serve
 * it: the domains the provider declares, its incoming IMAP and POP3 servers ({@code <incomingServer>}) and its
 * outgoing SMTP servers ({@code <outgoingServer type="smtp">}) in document order with the ways of signing in each
 * lists ({@code <authentication>}), and the provider's OAuth2 sign-in data ({@code <oAuth2>}).
 *
 * <p>Authentication values map as Thunderbird reads them: {@code password-cleartext}, {@code password-encrypted},
 * their old names {@code plain} and {@code secure}, and {@code NTLM} are {@link Authentication#PASSWORD};
 * {@code OAuth2} is {@link Authentication#OAUTH2}; others ({@code GSSAPI}, {@code TLS-client-cert},
 * {@code client-IP-address}, {@code none}) send neither and are left out. A server that lists none of the known
 * ones has an empty set: the document does not say, and any may work. The {@code <oAuth2>} element is read under
 * {@code clientConfig}, where the ISPDB puts it, or else under the {@code emailProvider}; one that lacks a part or
 * whose URLs are not {@code https} is ignored with a note.
 *
 * <p>Parsing is defensive: documents larger than {@link #MAX_BYTES} are rejected before parsing, any DOCTYPE is
 * rejected (so no DTD, external entity or entity expansion is ever processed), and servers this library cannot use
 * (other types such as {@code exchange}, an incoming {@code smtp} or an outgoing {@code imap}, unknown socket types,
 * ports that are not numbers) are skipped with a note
 * rather than failing the document. Host names keep their placeholders until {@link #candidates(MailAccount)} fills
 * them in for an account.
 *
 * <p>Instances are immutable and thread-safe.
 */
final class ClientConfig {
    /** The largest document accepted: 1 MiB. Real ones are a few kilobytes. */
    static final int MAX_BYTES = 1 << 20;

    /**
     * A server as the document names it; {@code hostname} may hold placeholders, {@code authentication}
     * is empty when the document lists no known way of signing in.
     */
    record Server(MailProtocol protocol, Security security, String hostname, int port,
            Set<Authentication> authentication) {
        Server {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(security, "security");
            Objects.requireNonNull(hostname, "hostname");
            authentication = authentication.isEmpty() ? Set.of()
                    : Collections.unmodifiableSet(EnumSet.copyOf(authentication));
        }

        /** A server whose ways of signing in the document does not say. */
        Server(MailProtocol protocol, Security security, String hostname, int port) {
            this(protocol, security, hostname, port, Set.of());
        }
    }

    /** A server usable for one account and the ways of signing in the document lists for it. */
    record Found(ProtocolCandidate candidate, Set<Authentication> authentication) {
        Found {
            Objects.requireNonNull(candidate, "candidate");
            authentication = Set.copyOf(authentication);
        }
    }

    /**
     * The servers usable for one account (placeholders filled in), the provider's OAuth2 data, and what was skipped
     * and why.
     */
    record Candidates(List<Found> found, Optional<OAuth2Provider> oauth2, List<String> notes) {
        Candidates {
            found = List.copyOf(found);
            Objects.requireNonNull(oauth2, "oauth2");
            notes = List.copyOf(notes);
        }

        /** The usable servers, in document order. */
        List<ProtocolCandidate> candidates() {
            return found.stream().map(Found::candidate).toList();
        }

        /** The usable servers as endpoints found by {@code provenance}, each with its ways of signing in. */
        List<Endpoint> endpoints(Provenance provenance) {
            return found.stream().map(f -> Endpoint.of(f.candidate(), provenance, f.authentication())).toList();
        }
    }

    /** The document is not a usable clientConfig: too large, not well-formed, a DOCTYPE, or another root. */
    static final class InvalidConfigException extends IOException {
        private static final long serialVersionUID = 1L;

        InvalidConfigException(String message) {
            super(message);
        }

        InvalidConfigException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String providerId;
    private final List<String> domains;
    private final List<Server> servers;
    private final @Nullable OAuth2Provider oauth2;
    private final List<String> notes;

    private ClientConfig(String providerId, List<String> domains, List<Server> servers,
            @Nullable OAuth2Provider oauth2, List<String> notes) {
        this.providerId = providerId;
        this.domains = List.copyOf(domains);
        this.servers = List.copyOf(servers);
        this.oauth2 = oauth2;
        this.notes = List.copyOf(notes);
    }

    /**
     * Parses a document of at most {@link #MAX_BYTES} bytes.
     *
     * @throws InvalidConfigException if the document is too large, not well-formed XML, declares a DOCTYPE, or its
     *     root is not {@code clientConfig}
     */
    static ClientConfig parse(byte[] document) throws InvalidConfigException {
        Objects.requireNonNull(document, "document");
        if (document.length > MAX_BYTES) {
            throw new InvalidConfigException("the document has " + document.length + " bytes, more than the "
                    + MAX_BYTES + " accepted");
        }
        Document parsed;
        try {
            DocumentBuilder builder = secureFactory().newDocumentBuilder();
            builder.setErrorHandler(SILENT);
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are not resolved: " + systemId);
            });
            parsed = builder.parse(new InputSource(new ByteArrayInputStream(document)));
        } catch (SAXException e) {
            throw new InvalidConfigException("not a well-formed clientConfig document (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new InvalidConfigException("the document could not be read (" + e.getMessage() + ")", e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser does not support secure processing", e);
        }
        return fromDocument(parsed.getDocumentElement());
    }

    /**
     * Reads at most {@link #MAX_BYTES} bytes from {@code in} (not closed) and parses them.
     *
     * @throws InvalidConfigException if the stream holds more than {@link #MAX_BYTES} bytes, or as
     *     {@link #parse(byte[])}
     * @throws IOException if the stream cannot be read
     */
    static ClientConfig parse(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw new InvalidConfigException("the document is larger than the " + MAX_BYTES + " bytes accepted");
        }
        return parse(bytes);
    }

    /** The {@code id} of the (first) {@code emailProvider}, or empty. */
    String providerId() {
        return providerId;
    }

    /** The domains the provider declares, lower case, in document order, without duplicates. */
    List<String> domains() {
        return domains;
    }

    /**
     * The usable servers, in document order (each provider's incoming servers, then its outgoing ones), host names
     * with their placeholders.
     */
    List<Server> servers() {
        return servers;
    }

    /** The provider's OAuth2 sign-in data, when the document has a usable {@code <oAuth2>} element. */
    Optional<OAuth2Provider> oauth2() {
        return Optional.ofNullable(oauth2);
    }

    /**
     * This document with {@code provider} as its OAuth2 data, which it lacks, and {@code note} saying where that
     * came from.
     */
    ClientConfig withOAuth2(OAuth2Provider provider, String note) {
        List<String> more = new ArrayList<>(notes);
        more.add(Objects.requireNonNull(note, "note"));
        return new ClientConfig(providerId, domains, servers, Objects.requireNonNull(provider, "provider"), more);
    }

    /** What the parser skipped and why, one sentence each. */
    List<String> notes() {
        return notes;
    }

    /**
     * The servers for {@code account}, in document order: {@code %EMAILADDRESS%}, {@code %EMAILLOCALPART%} and
     * {@code %EMAILDOMAIN%} in host names replaced by the account's values. A server whose host name is still not a
     * valid host (or names another placeholder) is skipped with a note.
     */
    Candidates candidates(MailAccount account) {
        String address = account.emailAddress();
        int at = address.lastIndexOf('@');
        String localPart = at < 0 ? address : address.substring(0, at);
        String domain = account.domain();
        List<Found> candidates = new ArrayList<>();
        List<String> skipped = new ArrayList<>(notes);
        for (Server server : servers) {
            String host = server.hostname()
                    .replace("%EMAILADDRESS%", address)
                    .replace("%EMAILLOCALPART%", localPart)
                    .replace("%EMAILDOMAIN%", domain);
            if (host.indexOf('%') >= 0) {
                skipped.add("skipped " + describe(server) + ": an unknown placeholder in the host name");
                continue;
            }
            try {
                candidates.add(new Found(ProtocolCandidate.of(server.protocol(), server.security(), host,
                        server.port()), server.authentication()));
            } catch (IllegalArgumentException e) {
                skipped.add("skipped " + describe(server) + ": " + e.getMessage());
            }
        }
        return new Candidates(candidates, Optional.ofNullable(oauth2), skipped);
    }

    /**
     * Reads a fetched body as a clientConfig and gives the servers for {@code account} and the provider's OAuth2
     * data; a document that names no usable server is not a good answer.
     */
    static CappedHttp.BodyReader<Candidates> reader(MailAccount account) {
        return (uri, body, notes) -> {
            Candidates found = parse(body).candidates(account);
            notes.addAll(found.notes());
            if (found.found().isEmpty()) {
                notes.add("no usable IMAP, POP3 or SMTP server in the document");
                return null;
            }
            return found;
        };
    }

    @Override
    public String toString() {
        return "ClientConfig{" + providerId + " " + domains + " " + servers + (oauth2 == null ? "" : " " + oauth2)
                + "}";
    }

    private static String describe(Server server) {
        return server.protocol() + "/" + server.security() + " " + abbreviate(server.hostname()) + ":" + server.port();
    }

    private static ClientConfig fromDocument(Element root) throws InvalidConfigException {
        if (!"clientConfig".equals(name(root))) {
            throw new InvalidConfigException("the root element is <" + abbreviate(name(root))
                    + ">, not <clientConfig>");
        }
        String providerId = "";
        Set<String> domains = new LinkedHashSet<>();
        List<Server> servers = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<Element> oauth2Elements = new ArrayList<>(children(root, "oAuth2"));
        for (Element provider : children(root, "emailProvider")) {
            oauth2Elements.addAll(children(provider, "oAuth2"));
            if (providerId.isEmpty()) {
                providerId = provider.getAttribute("id").strip();
            }
            for (Element domain : children(provider, "domain")) {
                String value = domain.getTextContent().strip().toLowerCase(Locale.ROOT);
                if (value.endsWith(".")) {
                    value = value.substring(0, value.length() - 1);
                }
                if (!value.isEmpty()) {
                    domains.add(value);
                }
            }
            for (Element incoming : children(provider, "incomingServer")) {
                Server server = server(incoming, true, notes);
                if (server != null) {
                    servers.add(server);
                }
            }
            for (Element outgoing : children(provider, "outgoingServer")) {
                Server server = server(outgoing, false, notes);
                if (server != null) {
                    servers.add(server);
                }
            }
        }
        OAuth2Provider oauth2 = oauth2Elements.isEmpty() ? null : oauth2(oauth2Elements.get(0), notes);
        return new ClientConfig(providerId, new ArrayList<>(domains), servers, oauth2, notes);
    }

    /** The provider's OAuth2 data from an {@code <oAuth2>} element, or null (with a note) when it is not usable. */
    private static @Nullable OAuth2Provider oauth2(Element element, List<String> notes) {
        String issuer = text(element, "issuer");
        String scope = text(element, "scope");
        String authUrl = text(element, "authURL");
        String tokenUrl = text(element, "tokenURL");
        List<String> missing = new ArrayList<>();
        for (String[] part : new String[][] {{"issuer", issuer}, {"scope", scope}, {"authURL", authUrl},
                {"tokenURL", tokenUrl}}) {
            if (part[1].isEmpty()) {
                missing.add("<" + part[0] + ">");
            }
        }
        if (!missing.isEmpty()) {
            notes.add("ignored the <oAuth2> element: it has no " + String.join(", ", missing));
            return null;
        }
        Set<String> scopes = new LinkedHashSet<>(List.of(scope.split("\\s+")));
        try {
            return OAuth2Provider.of(issuer, List.copyOf(scopes), new URI(authUrl), new URI(tokenUrl));
        } catch (URISyntaxException | IllegalArgumentException e) {
            notes.add("ignored the <oAuth2> element: " + abbreviate(String.valueOf(e.getMessage())));
            return null;
        }
    }

    /** The known ways of signing in that {@code server}'s {@code <authentication>} elements list. */
    private static Set<Authentication> authentication(Element server) {
        Set<Authentication> methods = EnumSet.noneOf(Authentication.class);
        for (Element element : children(server, "authentication")) {
            switch (element.getTextContent().strip().toLowerCase(Locale.ROOT)) {
                case "password-cleartext":
                case "plain":
                case "password-encrypted":
                case "secure":
                case "ntlm":
                    methods.add(Authentication.PASSWORD);
                    break;
                case "oauth2":
                    methods.add(Authentication.OAUTH2);
                    break;
                default:
                    break;
            }
        }
        return methods;
    }

    /** The server an {@code <incomingServer>} ({@code incoming}) or {@code <outgoingServer>} element names. */
    private static @Nullable Server server(Element element, boolean incoming, List<String> notes) {
        String type = element.getAttribute("type").strip();
        MailProtocol protocol;
        switch (type.toLowerCase(Locale.ROOT)) {
            case "imap":
                protocol = MailProtocol.IMAP;
                break;
            case "pop3":
                protocol = MailProtocol.POP3;
                break;
            case "smtp":
                protocol = MailProtocol.SMTP;
                break;
            default:
                protocol = null;
                break;
        }
        if (protocol == null || protocol.isIncoming() != incoming) {
            notes.add("skipped an " + (incoming ? "incoming server of type \"" + abbreviate(type)
                    + "\": only imap and pop3 are used" : "outgoing server of type \"" + abbreviate(type)
                    + "\": only smtp is used"));
            return null;
        }
        String hostname = text(element, "hostname");
        String portText = text(element, "port");
        String socketType = text(element, "socketType");
        Security security;
        switch (socketType.toUpperCase(Locale.ROOT)) {
            case "SSL":
                security = Security.IMPLICIT_TLS;
                break;
            case "STARTTLS":
                security = Security.STARTTLS;
                break;
            case "PLAIN":
                security = Security.NONE;
                break;
            default:
                notes.add("skipped " + protocol + " " + abbreviate(hostname) + ": unknown socket type \""
                        + abbreviate(socketType) + "\"");
                return null;
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            notes.add("skipped " + protocol + "/" + security + " " + abbreviate(hostname) + ": the port \""
                    + abbreviate(portText) + "\" is not a number");
            return null;
        }
        return new Server(protocol, security, hostname, port, authentication(element));
    }

    /** The trimmed text of the first child element called {@code name}, or empty. */
    private static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? "" : found.get(0).getTextContent().strip();
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element && name.equals(name((Element) node))) {
                found.add((Element) node);
            }
        }
        return found;
    }

    private static String name(Element element) {
        String local = element.getLocalName();
        return local != null ? local : element.getTagName();
    }

    /** A value from the document for a note: at most 100 characters, control characters replaced. */
    private static String abbreviate(String value) {
        return Printable.abbreviate(value, 100);
    }

    /** A factory that processes no DTD and no external entity, with the JDK's secure-processing limits. */
    private static DocumentBuilderFactory secureFactory() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        factory.setValidating(false);
        return factory;
    }

    /** Errors become exceptions; nothing is printed to standard error. */
    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException exception) {
        }

        @Override
        public void error(SAXParseException exception) throws SAXException {
            throw exception;
        }

        @Override
        public void fatalError(SAXParseException exception) throws SAXException {
            throw exception;
        }
    };
}
