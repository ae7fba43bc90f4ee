package org.mailintegrator.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority and the server certificates it issues, for TLS tests: a server presents
 * {@link #serverSslContext()}, a client trusts {@link #clientSslContext()}. Certificates are generated in memory
 * (EC P-256) in a few milliseconds; nothing is written to disk unless the PEM forms are.
 *
 * <pre>{@code
 * TestCertificates certs = TestCertificates.forHosts("localhost", "127.0.0.1");
 * TestCertificates wrongName = certs.withServerNames("wrong.example.test");   // same CA, other name
 * TestCertificates expired = certs.expired();                                   // same CA, expired leaf
 * Integrator integrator = Integrator.builder().policy(policy).sslContext(certs.clientSslContext()).build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class TestCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
    private static final char[] STORE_PASSWORD = "testkit".toCharArray();

    private final KeyPair caKeys;
    private final X509Certificate caCertificate;
    private final KeyPair serverKeys;
    private final X509Certificate serverCertificate;
    private final List<String> serverNames;

    private TestCertificates(KeyPair caKeys, X509Certificate caCertificate, KeyPair serverKeys,
            X509Certificate serverCertificate, List<String> serverNames) {
        this.caKeys = caKeys;
        this.caCertificate = caCertificate;
        this.serverKeys = serverKeys;
        this.serverCertificate = serverCertificate;
        this.serverNames = serverNames;
    }

    /**
     * A new CA and a server certificate, valid from an hour ago for a day, naming each of {@code hostNames}
     * (DNS names, or IP literals such as {@code 127.0.0.1}).
     *
     * @throws IllegalArgumentException if no name is given or a name is blank
     */
    public static TestCertificates forHosts(String... hostNames) {
        KeyPair caKeys = newKeyPair();
        Instant now = Instant.now();
        X500Name caName = new X500Name("CN=Mail Integrator Test CA " + SERIALS.incrementAndGet());
        X509Certificate ca = issue(caName, caKeys, caName, caKeys, List.of(), true,
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        return withLeaf(caKeys, ca, checkNames(hostNames), false);
    }

    /** A server certificate from the same CA for other names: a "wrong name" certificate for a host. */
    public TestCertificates withServerNames(String... hostNames) {
        return withLeaf(caKeys, caCertificate, checkNames(hostNames), false);
    }

    /** A server certificate from the same CA, for the same names, that expired an hour ago. */
    public TestCertificates expired() {
        return withLeaf(caKeys, caCertificate, serverNames, true);
    }

    /** The names the server certificate is issued for. */
    public List<String> serverNames() {
        return serverNames;
    }

    /** The test CA's certificate, which signs the server certificate: what a client trusts. */
    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /** The server certificate, issued by the test CA for {@link #serverNames()}. */
    public X509Certificate serverCertificate() {
        return serverCertificate;
    }

    /** A TLS context for a server: presents the server certificate (with the CA in its chain). */
    public SSLContext serverSslContext() {
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("server", serverKeys.getPrivate(), STORE_PASSWORD,
                    new Certificate[] {serverCertificate, caCertificate});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keyStore, STORE_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the server TLS context", e);
        }
    }

    /** A TLS context for a client that trusts this CA only; host names are still verified by the client. */
    public SSLContext clientSslContext() {
        try {
            KeyStore trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            trustStore.setCertificateEntry("ca", caCertificate);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the client TLS context", e);
        }
    }

    /** The CA certificate in PEM, for tools that read files (e.g. a real mail server's configuration). */
    public String caCertificatePem() {
        return pem(caCertificate);
    }

    /** The server certificate followed by the CA certificate, in PEM. */
    public String serverCertificateChainPem() {
        return pem(serverCertificate) + pem(caCertificate);
    }

    /** The server's private key in PEM (PKCS#8). */
    public String serverPrivateKeyPem() {
        return pem(serverKeys.getPrivate());
    }

    @Override
    public String toString() {
        return "TestCertificates{serverNames=" + serverNames + ", notAfter=" + serverCertificate.getNotAfter() + "}";
    }

    private static TestCertificates withLeaf(KeyPair caKeys, X509Certificate ca, List<String> names,
            boolean expired) {
        KeyPair serverKeys = newKeyPair();
        Instant now = Instant.now();
        Instant notBefore = expired ? now.minus(Duration.ofDays(2)) : now.minus(Duration.ofHours(1));
        Instant notAfter = expired ? now.minus(Duration.ofHours(1)) : now.plus(Duration.ofDays(1));
        X509Certificate leaf = issue(new X500Name("CN=" + names.get(0)), serverKeys,
                new X500Name(ca.getSubjectX500Principal().getName()), caKeys, names, false, notBefore, notAfter);
        return new TestCertificates(caKeys, ca, serverKeys, leaf, names);
    }

    private static X509Certificate issue(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
            List<String> names, boolean authority, Instant notBefore, Instant notAfter) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
                    subjectKeys.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(subjectKeys.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
            if (authority) {
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                List<GeneralName> altNames = new ArrayList<>();
                for (String name : names) {
                    altNames.add(isIpLiteral(name) ? new GeneralName(GeneralName.iPAddress, name)
                            : new GeneralName(GeneralName.dNSName, name));
                }
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(altNames.toArray(GeneralName[]::new)));
            }
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a test certificate for " + names, e);
        }
    }

    private static boolean isIpLiteral(String name) {
        if (name.indexOf(':') >= 0) {
            return true;
        }
        return name.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    private static List<String> checkNames(String... hostNames) {
        Objects.requireNonNull(hostNames, "hostNames");
        if (hostNames.length == 0) {
            throw new IllegalArgumentException("at least one host name is required");
        }
        for (String name : hostNames) {
            Objects.requireNonNull(name, "host name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("host names must not be blank: " + List.of(hostNames));
            }
            if (isIpLiteral(name)) {
                try {
                    InetAddress.getByName(name);
                } catch (IOException e) {
                    throw new IllegalArgumentException("not an IP address: " + name, e);
                }
            }
        }
        return List.of(hostNames);
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate EC keys", e);
        }
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object instanceof PrivateKey
                    ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator((PrivateKey) object, null).generate()
                    : object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
