package org.gridpacs.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.security.auth.x500.X500Principal;

import org.gridpacs.pki.CertificateAuthority;
import org.gridpacs.pki.CertificateRequest;
import org.gridpacs.pki.IssuedCertificate;
import org.gridpacs.pki.KeyStores;
import org.gridpacs.pki.KeyType;
import org.gridpacs.pki.TlsContexts;

/**
 * The site certificate of the HTTPS user entry (network access), made by {@code pacs http-cert}, in one folder
 * ({@code conf/http-tls}):
 * <ul>
 * <li>{@value #KEY_STORE}: the site's key and certificate chain (PKCS#12), what every node's HTTPS connector
 * presents; its password is in {@value #PASSWORD_FILE} (random, owner only, never logged);</li>
 * <li>{@value #PEM}: the same key and chain in PEM, what HAProxy's {@code bind ... ssl crt} reads (owner only);</li>
 * <li>{@value #CA_PEM}: the certificate of the private CA that signed it: import it in the browsers and DICOMweb
 * clients of the site (HAProxy checks the nodes against it too);</li>
 * <li>{@value #CA_KEY_STORE}: that CA's key (owner only), to issue a new site certificate later without touching
 * the clients.</li>
 * </ul>
 * A site with a certificate from its own CA puts it in {@value #KEY_STORE} and {@value #PEM} instead.
 */
public final class SiteCertificates {
    public static final String KEY_STORE = "site.p12";
    public static final String PASSWORD_FILE = "site.password";
    public static final String PEM = "site.pem";
    public static final String CA_PEM = "site-ca.pem";
    public static final String CA_KEY_STORE = "site-ca-key.p12";
    private static final String ALIAS = "site";

    /** What {@link #write} did. */
    public record Result(Path keyStore, boolean written, X509Certificate certificate) {
    }

    private SiteCertificates() {
    }

    /**
     * Makes the site certificate for {@code names} (host names and IP addresses the clients use), unless the folder
     * has one already and {@code renew} is false; a new one is signed by the folder's CA, made first if missing.
     */
    public static Result write(Path dir, List<String> names, Duration validity, boolean renew)
            throws IOException, GeneralSecurityException {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("give at least one host name or address for the site certificate");
        }
        Path keyStore = dir.resolve(KEY_STORE);
        if (Files.exists(keyStore) && !renew) {
            char[] password = password(dir);
            KeyStore ks = KeyStores.load(keyStore, password);
            return new Result(keyStore, false, (X509Certificate) KeyStores.privateKey(ks, password, keyStore).getCertificate());
        }
        Files.createDirectories(dir);
        Path passwordFile = dir.resolve(PASSWORD_FILE);
        char[] password = Files.exists(passwordFile) ? password(dir) : newPassword(passwordFile);
        Path caFile = dir.resolve(CA_KEY_STORE);
        CertificateAuthority ca;
        if (Files.exists(caFile)) {
            ca = CertificateAuthority.of(KeyStores.privateKey(KeyStores.load(caFile, password), password, caFile));
        } else {
            ca = CertificateAuthority.create(new X500Principal("CN=GridPACS site CA, O=GridPACS"), KeyType.EC,
                    Duration.ofDays(3650));
            KeyStores.store(ca.keyStore("site-ca", password), caFile, password, KeyStores.Readers.OWNER);
        }
        writeText(dir.resolve(CA_PEM), pem("CERTIFICATE", ca.certificate().getEncoded()), "rw-r--r--");
        CertificateRequest rq = CertificateRequest.tlsPeer(new X500Principal("CN=" + names.get(0) + ", O=GridPACS"),
                names, validity).withUsages(java.util.EnumSet.of(CertificateRequest.Usage.TLS_SERVER));
        IssuedCertificate site = ca.issue(rq);
        StringBuilder pem = new StringBuilder();
        for (Certificate c : site.chain()) {
            pem.append(pem("CERTIFICATE", c.getEncoded()));
        }
        pem.append(pem("PRIVATE KEY", site.key().getEncoded()));
        writeText(dir.resolve(PEM), pem.toString(), "rw-------");
        KeyStores.store(site.keyStore(ALIAS, password), keyStore, password, KeyStores.Readers.OWNER);
        return new Result(keyStore, true, site.certificate());
    }

    /** The TLS context of the HTTPS user connector, from the folder's key store and password file. */
    public static SSLContext serverContext(Path keyStore, Path passwordFile) throws IOException, GeneralSecurityException {
        char[] password = readPassword(passwordFile);
        return TlsContexts.context(KeyStores.load(keyStore, password), password, null);
    }

    private static char[] password(Path dir) throws IOException {
        return readPassword(dir.resolve(PASSWORD_FILE));
    }

    static char[] readPassword(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(file + " does not exist: it holds the site key store's password (pacs http-cert "
                    + "writes it)");
        }
        String line = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (line.isEmpty()) {
            throw new IOException(file + " is empty: it must hold the site key store's password");
        }
        return line.toCharArray();
    }

    private static char[] newPassword(Path file) throws IOException {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String p = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        writeText(file, p + "\n", "rw-------");
        return p.toCharArray();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** Written atomically, with its permissions set before the content (a key is never readable by others). */
    private static void writeText(Path file, String text, String permissions) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(permissions));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
