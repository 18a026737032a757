package org.gridpacs.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * PEM files, for peers that do not read PKCS#12 (DCMTK's {@code +tls KEY CERT}, Orthanc) and for CA certificates
 * exchanged between sites. A key file is written readable by its owner only.
 */
public final class Pem {
    private Pem() {
    }

    /** The certificates of a PEM file (one or more) or a DER file; an IOException naming the file otherwise. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + " does not exist", e);
        }
        List<X509Certificate> certs = new ArrayList<>();
        try {
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
                certs.add((X509Certificate) c);
            }
        } catch (CertificateException | RuntimeException e) {
            throw new IOException(file + ": not an X.509 certificate file, PEM or DER (" + e.getMessage() + ")", e);
        }
        if (certs.isEmpty()) {
            throw new IOException(file + " holds no certificate");
        }
        return certs;
    }

    /** Writes certificates as PEM, readable by all. */
    public static void writeCertificates(Path file, X509Certificate... certs) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : certs) {
            try {
                sb.append(block("CERTIFICATE", c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IOException("cannot encode " + c.getSubjectX500Principal() + ": " + e.getMessage(), e);
            }
        }
        write(file, sb.toString(), "rw-r--r--");
    }

    /** Writes a private key as unencrypted PKCS#8 PEM, readable by its owner only (set before the key is written). */
    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        write(file, block("PRIVATE KEY", key.getEncoded()), "rw-------");
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void write(Path file, String text, String perms) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(perms));
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
