package org.gridpacs.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CRLException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.Extension;

/**
 * Certificate revocation list files (PEM, or DER when read), and the TLS trust that honours one. The lists
 * themselves are made by {@link CertificateAuthority#revocationList}.
 */
public final class RevocationLists {
    private static final String PEM_BEGIN = "-----BEGIN X509 CRL-----";
    private static final String PEM_END = "-----END X509 CRL-----";

    private RevocationLists() {
    }

    /** Reads a CRL, PEM or DER; every failure an IOException that starts with the file's name. */
    public static X509CRL read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + " does not exist", e);
        }
        try {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(bytes));
        } catch (CRLException | CertificateException | RuntimeException e) {
            throw new IOException(file + ": not a certificate revocation list (" + e.getMessage() + ")", e);
        }
    }

    /** Writes a CRL as PEM through a temporary file and a rename, so that a reader sees the old list or the new one. */
    public static void write(X509CRL crl, Path file) throws IOException {
        String pem;
        try {
            pem = PEM_BEGIN + "\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(crl.getEncoded())
                    + "\n" + PEM_END + "\n";
        } catch (CRLException e) {
            throw new IOException("cannot encode the revocation list: " + e.getMessage(), e);
        }
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
        try {
            try {
                // public: it holds serial numbers only, and every node reads it
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Whether one of {@code cas} signed {@code crl} (by name and signature). */
    public static boolean issuedBy(X509CRL crl, Collection<X509Certificate> cas) {
        for (X509Certificate ca : cas) {
            if (crl.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                try {
                    crl.verify(ca.getPublicKey());
                    return true;
                } catch (GeneralSecurityException e) {
                    // same name, another key: try the next one
                }
            }
        }
        return false;
    }

    /** The serial numbers a CRL lists, with when each was revoked, in its order. */
    public static Map<BigInteger, Instant> revoked(X509CRL crl) {
        Map<BigInteger, Instant> out = new LinkedHashMap<>();
        if (crl.getRevokedCertificates() != null) {
            for (X509CRLEntry e : crl.getRevokedCertificates()) {
                out.put(e.getSerialNumber(), e.getRevocationDate().toInstant());
            }
        }
        return out;
    }

    /** The CRL's number (its cRLNumber extension), 0 without one. */
    public static BigInteger number(X509CRL crl) {
        byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
        if (ext == null) {
            return BigInteger.ZERO;
        }
        // an OCTET STRING wrapping the INTEGER
        return ASN1Integer.getInstance(org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets()).getValue();
    }

    /**
     * The JDK's PKIX trust manager for {@code trust}'s anchors that also refuses a certificate {@code crl} lists
     * (null: no revocation check). Revocation is checked against this CRL alone: no OCSP, nothing fetched from the
     * network, the end entity only (the anchors are trusted as configured). A CRL past its next update no longer
     * counts, so every certificate is then refused: it fails closed.
     */
    public static X509ExtendedTrustManager trustManager(KeyStore trust, X509CRL crl) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        if (crl == null) {
            tmf.init(trust);
        } else {
            PKIXBuilderParameters p = new PKIXBuilderParameters(trust, new X509CertSelector());
            p.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(List.of(crl))));
            PKIXRevocationChecker rc = (PKIXRevocationChecker) CertPathBuilder.getInstance("PKIX").getRevocationChecker();
            rc.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK,
                    PKIXRevocationChecker.Option.ONLY_END_ENTITY));
            p.addCertPathChecker(rc);
            p.setRevocationEnabled(true);
            tmf.init(new CertPathTrustManagerParameters(p));
        }
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("the JDK's PKIX trust manager factory made no X509ExtendedTrustManager");
    }
}
