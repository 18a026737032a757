package org.gridpacs.federation.site;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gridpacs.pki.CertificateAuthority;
import org.gridpacs.pki.CertificateRequest;
import org.gridpacs.pki.Certificates;
import org.gridpacs.pki.IssuedCertificate;
import org.gridpacs.pki.KeyStores;
import org.gridpacs.pki.KeyType;
import org.gridpacs.pki.Pem;
import org.gridpacs.pki.RevocationLists;

/**
 * This site's certificate files, where {@link FederationSettings.TlsFiles} names them, plus beside the key store:
 * <ul>
 * <li>{@value #CA_KEY_STORE}: the site CA's key and certificate (signs the gateway's certificate and the CRL; keep
 * it with the administrator, off the gateway if possible);</li>
 * <li>{@value #CA_PEM}: the site CA certificate, to give to the other sites (they import it);</li>
 * <li>the password file: made random (mode 600) when missing, never printed.</li>
 * </ul>
 * The certificates themselves are {@link CertificateAuthority}'s; this class knows the layout and the subject form
 * ({@link SiteIdentity}).
 */
public final class SiteCertificates {
    public static final String CA_KEY_STORE = "site-ca-key.p12";
    public static final String CA_PEM = "site-ca.pem";
    public static final String KEY_PEM = "gateway-key.pem";
    public static final String CERT_PEM = "gateway.pem";
    static final String CA_ALIAS = "site-ca";

    /** What {@link #init} did. */
    public record Init(boolean caWritten, X509Certificate ca, boolean gatewayWritten, X509Certificate gateway,
                       Path caKeyStore, Path caPem) {
    }

    /** What {@link #revoke} did. */
    public record Revocation(BigInteger serial, boolean alreadyRevoked, int revokedCount, Path crl, Instant nextUpdate) {
    }

    private final FederationSettings.TlsFiles files;
    private final Path dir;

    public SiteCertificates(FederationSettings.TlsFiles files) {
        this.files = files;
        this.dir = files.keyStore().toAbsolutePath().getParent();
    }

    public Path caKeyStore() {
        return dir.resolve(CA_KEY_STORE);
    }

    /**
     * Makes what is missing: the password file, the site CA, the trust store (with our CA), the gateway's key store
     * ({@code CN=<aeTitle>, O=<siteName>}, subjectAltName {@code hosts}), {@value #CA_PEM}. Existing files are kept
     * when they fit; a gateway certificate for another site or AE is an error (delete it to issue a new one).
     */
    public Init init(String siteName, String aeTitle, List<String> hosts, int validityDays, KeyType keyType)
            throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        char[] password = passwordOrNew();
        Duration validity = Duration.ofDays(validityDays);
        Path caFile = caKeyStore();
        boolean newCa = !Files.exists(caFile);
        CertificateAuthority ca;
        if (newCa) {
            byte[] id = new byte[4];
            new SecureRandom().nextBytes(id);
            // the site is the CA's O; a random suffix tells a re-made CA from the one the other sites imported
            ca = CertificateAuthority.create(Certificates.subject(siteName, siteName + " site CA "
                    + java.util.HexFormat.of().formatHex(id)), keyType, validity);
            KeyStores.store(ca.keyStore(CA_ALIAS, password), caFile, password, KeyStores.Readers.OWNER);
        } else {
            ca = loadCa(password);
        }
        Pem.writeCertificates(dir.resolve(CA_PEM), ca.certificate());
        addTrusted(ca.certificate(), CA_ALIAS, password);

        boolean newGateway = !Files.exists(files.keyStore());
        X509Certificate gateway;
        if (newGateway) {
            IssuedCertificate issued = issue(ca, siteName, aeTitle, hosts, validity, keyType);
            KeyStores.store(issued.keyStore("gateway", password), files.keyStore(), password, KeyStores.Readers.OWNER);
            gateway = issued.certificate();
        } else {
            gateway = (X509Certificate) KeyStores.privateKey(KeyStores.load(files.keyStore(), password), password,
                    files.keyStore()).getCertificate();
            String mismatch = SiteIdentity.refusal(gateway, siteName, aeTitle, null);
            if (mismatch != null) {
                throw new IOException(files.keyStore() + " cannot be kept: " + mismatch
                        + "; delete it and run again to issue a new one");
            }
            if (!Certificates.issuedBy(gateway, List.of(ca.certificate()))) {
                throw new IOException(files.keyStore() + " was not issued by the site CA in " + caFile
                        + "; delete it and run again to issue a new one");
            }
        }
        return new Init(newCa, ca.certificate(), newGateway, gateway, caFile, dir.resolve(CA_PEM));
    }

    /** A gateway certificate of {@code ca}: {@code CN=<aeTitle>, O=<siteName>}, TLS server and client. */
    public static IssuedCertificate issue(CertificateAuthority ca, String siteName, String aeTitle, List<String> hosts,
                                          Duration validity, KeyType keyType) throws GeneralSecurityException {
        return ca.issue(CertificateRequest.tlsPeer(SiteIdentity.subject(siteName, aeTitle), hosts, validity)
                .withKeyType(keyType));
    }

    /**
     * Adds the CA certificate(s) in {@code certFile} (PEM or DER: another site's CA, a national CA) to the trust
     * store under {@code alias}. Returns the certificates added (none when they were there already).
     */
    public List<X509Certificate> importCa(Path certFile, String alias) throws IOException, GeneralSecurityException {
        if (!alias.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("an alias is 1 to 64 letters, digits, '.', '-' or '_', not '" + alias + "'");
        }
        List<X509Certificate> certs = Pem.readCertificates(certFile);
        for (X509Certificate c : certs) {
            if (c.getBasicConstraints() < 0) {
                throw new IOException(certFile + ": " + c.getSubjectX500Principal().getName()
                        + " is not a CA certificate (import the CA that issued it, not the certificate itself)");
            }
            c.checkValidity();
        }
        char[] password = password();
        List<X509Certificate> added = new java.util.ArrayList<>();
        for (int i = 0; i < certs.size(); i++) {
            if (addTrusted(certs.get(i), certs.size() == 1 ? alias : alias + "-" + (i + 1), password)) {
                added.add(certs.get(i));
            }
        }
        return added;
    }

    /**
     * Writes the gateway's key and certificate chain as PEM ({@value #KEY_PEM}, owner only; {@value #CERT_PEM}) beside
     * the key store, for tools that do not read PKCS#12 (DCMTK's {@code +tls}, Orthanc). Returns the two files.
     */
    public List<Path> exportGatewayPem() throws IOException, GeneralSecurityException {
        char[] password = password();
        KeyStore.PrivateKeyEntry e = KeyStores.privateKey(KeyStores.load(files.keyStore(), password), password,
                files.keyStore());
        Path key = dir.resolve(KEY_PEM);
        Path cert = dir.resolve(CERT_PEM);
        Pem.writePrivateKey(key, e.getPrivateKey());
        X509Certificate[] chain = java.util.Arrays.stream(e.getCertificateChain()).map(c -> (X509Certificate) c)
                .toArray(X509Certificate[]::new);
        Pem.writeCertificates(cert, chain);
        return List.of(key, cert);
    }

    /** The CA certificates in the trust store. */
    public List<X509Certificate> trusted() throws IOException, GeneralSecurityException {
        return KeyStores.trusted(KeyStores.load(files.trustStore(), password()));
    }

    /**
     * Adds {@code serial} (a certificate our site CA issued) to our CRL ({@code federation.tls.crl}) and writes
     * it again, signed by the CA, valid for {@code crlDays} (after that every peer refuses everything until a new
     * list is written: re-run to refresh).
     */
    public Revocation revoke(BigInteger serial, int crlDays) throws IOException, GeneralSecurityException {
        char[] password = password();
        CertificateAuthority ca = loadCa(password);
        Path crlFile = files.crl();
        Map<BigInteger, Instant> revoked = new LinkedHashMap<>();
        BigInteger number = BigInteger.ZERO;
        if (Files.exists(crlFile)) {
            X509CRL old = RevocationLists.read(crlFile);
            if (!RevocationLists.issuedBy(old, List.of(ca.certificate()))) {
                throw new IOException(crlFile + " is not signed by the site CA in " + caKeyStore() + "; move it away");
            }
            revoked.putAll(RevocationLists.revoked(old));
            number = RevocationLists.number(old);
        }
        Instant next = Instant.now().plus(Duration.ofDays(crlDays));
        Instant caEnd = ca.certificate().getNotAfter().toInstant();
        if (next.isAfter(caEnd)) {
            next = caEnd;
        }
        boolean already = revoked.putIfAbsent(serial, Instant.now()) != null;
        Files.createDirectories(crlFile.toAbsolutePath().getParent());
        RevocationLists.write(ca.revocationList(revoked, number.add(BigInteger.ONE), next), crlFile);
        return new Revocation(serial, already, revoked.size(), crlFile, next);
    }

    /** The serial of a certificate file (PEM or DER), checked to be one our site CA issued. */
    public BigInteger serialOf(Path certFile) throws IOException, GeneralSecurityException {
        X509Certificate cert = Pem.readCertificates(certFile).get(0);
        CertificateAuthority ca = loadCa(password());
        if (!Certificates.issuedBy(cert, List.of(ca.certificate()))) {
            throw new IOException(certFile + " (" + cert.getSubjectX500Principal().getName() + ") was not issued by "
                    + "the site CA in " + caKeyStore() + ": only its own CA can revoke a certificate");
        }
        return cert.getSerialNumber();
    }

    private CertificateAuthority loadCa(char[] password) throws IOException, GeneralSecurityException {
        Path caFile = caKeyStore();
        if (!Files.exists(caFile)) {
            throw new IOException("no site CA in " + dir + " (" + CA_KEY_STORE + "): run pacs federation-certs first");
        }
        return CertificateAuthority.of(KeyStores.privateKey(KeyStores.load(caFile, password), password, caFile));
    }

    /** Adds {@code cert} to the trust store (made when missing); false when it was there already. */
    private boolean addTrusted(X509Certificate cert, String alias, char[] password)
            throws IOException, GeneralSecurityException {
        KeyStore trust;
        if (Files.exists(files.trustStore())) {
            trust = KeyStores.load(files.trustStore(), password);
            if (KeyStores.trusted(trust).contains(cert)) {
                return false;
            }
            if (trust.containsAlias(alias)) {
                throw new IOException(files.trustStore() + " already holds another certificate as " + alias
                        + "; choose another alias");
            }
        } else {
            trust = KeyStores.trustStore(alias);
        }
        trust.setCertificateEntry(alias, cert);
        Files.createDirectories(files.trustStore().toAbsolutePath().getParent());
        KeyStores.store(trust, files.trustStore(), password, KeyStores.Readers.ALL);
        return true;
    }

    private char[] password() throws IOException {
        return files.password();
    }

    /** The password file's, or a new random one written (owner only) before any key store uses it. */
    private char[] passwordOrNew() throws IOException {
        Path f = files.passwordFile();
        if (Files.exists(f)) {
            return files.password();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String pw = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(f.toAbsolutePath().getParent());
        Files.createFile(f);
        try {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        Files.writeString(f, pw + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        return pw.toCharArray();
    }

}
