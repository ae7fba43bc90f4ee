package org.mailintegrator.discovery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.jspecify.annotations.Nullable;
import org.mailintegrator.core.MailAccount;
import org.mailintegrator.core.MailProtocol;
import org.mailintegrator.core.ProtocolCandidate;
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
 * it: the domains the provider declares and its incoming IMAP and POP3 servers, in document order.
 *
 * <p>Parsing is defensive: documents larger than {@link #MAX_BYTES} are rejected before parsing, any DOCTYPE is
 * rejected (so no DTD, external entity or entity expansion is ever processed), and servers this library cannot use
 * (other types such as {@code exchange}, unknown socket types, ports that are not numbers) are skipped with a note
 * rather than failing the document. Host names keep their placeholders until {@link #candidates(MailAccount)} fills
 * them in for an account.
 *
 * <p>Instances are immutable and thread-safe.
 */
final class ClientConfig {
    /** The largest document accepted: 1 MiB. Real ones are a few kilobytes. */
    static final int MAX_BYTES = 1 << 20;

    /** An incoming server as the document names it; {@code hostname} may hold placeholders. */
    record Server(MailProtocol protocol, Security security, String hostname, int port) {
        Server {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(security, "security");
            Objects.requireNonNull(hostname, "hostname");
        }
    }

    /** The servers usable for one account (placeholders filled in), and what was skipped and why. */
    record Candidates(List<ProtocolCandidate> candidates, List<String> notes) {
        Candidates {
            candidates = List.copyOf(candidates);
            notes = List.copyOf(notes);
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
    private final List<String> notes;

    private ClientConfig(String providerId, List<String> domains, List<Server> servers, List<String> notes) {
        this.providerId = providerId;
        this.domains = List.copyOf(domains);
        this.servers = List.copyOf(servers);
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

    /** The usable incoming servers, in document order, host names with their placeholders. */
    List<Server> servers() {
        return servers;
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
        List<ProtocolCandidate> candidates = new ArrayList<>();
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
                candidates.add(ProtocolCandidate.of(server.protocol(), server.security(), host, server.port()));
            } catch (IllegalArgumentException e) {
                skipped.add("skipped " + describe(server) + ": " + e.getMessage());
            }
        }
        return new Candidates(candidates, skipped);
    }

    /**
     * Reads a fetched body as a clientConfig and gives the servers for {@code account}; a document that names no
     * usable server is not a good answer.
     */
    static CappedHttp.BodyReader<List<ProtocolCandidate>> reader(MailAccount account) {
        return (uri, body, notes) -> {
            Candidates found = parse(body).candidates(account);
            notes.addAll(found.notes());
            if (found.candidates().isEmpty()) {
                notes.add("no usable IMAP or POP3 server in the document");
                return null;
            }
            return found.candidates();
        };
    }

    @Override
    public String toString() {
        return "ClientConfig{" + providerId + " " + domains + " " + servers + "}";
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
        for (Element provider : children(root, "emailProvider")) {
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
                Server server = server(incoming, notes);
                if (server != null) {
                    servers.add(server);
                }
            }
        }
        return new ClientConfig(providerId, new ArrayList<>(domains), servers, notes);
    }

    private static @Nullable Server server(Element incoming, List<String> notes) {
        String type = incoming.getAttribute("type").strip();
        MailProtocol protocol;
        switch (type.toLowerCase(Locale.ROOT)) {
            case "imap":
                protocol = MailProtocol.IMAP;
                break;
            case "pop3":
                protocol = MailProtocol.POP3;
                break;
            default:
                notes.add("skipped an incoming server of type \"" + abbreviate(type) + "\": only imap and pop3 are"
                        + " used");
                return null;
        }
        String hostname = text(incoming, "hostname");
        String portText = text(incoming, "port");
        String socketType = text(incoming, "socketType");
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
        return new Server(protocol, security, hostname, port);
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
        String shortened = value.length() > 100 ? value.substring(0, 100) + "..." : value;
        StringBuilder printable = new StringBuilder(shortened.length());
        shortened.codePoints().forEach(c -> printable.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return printable.toString();
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
