package org.gridpacs.replication.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gridpacs.pki.CertificateAuthority;
import org.gridpacs.pki.CertificateRequest;
import org.gridpacs.pki.Certificates;
import org.gridpacs.pki.KeyStores;
import org.gridpacs.pki.KeyType;
import org.gridpacs.pki.RevocationLists;
import org.gridpacs.replication.config.ClusterConfig;

/**
 * The cluster's own certificate authority and the nodes' key stores, in one folder:
 * <ul>
 * <li>{@value #CA_KEY_STORE}: the CA's private key and certificate; it signs node certificates and stays with the
 * administrator (no node needs it);</li>
 * <li>{@value #TRUST_STORE}: the CA certificate alone, the trust store of every node;</li>
 * <li>{@code <node>.p12}: a node's private key and certificate chain (subject CN its node name, subjectAltName its
 * host; TLS server and client);</li>
 * <li>{@value #CRL}: the certificates the CA revoked ({@link #revoke}), for every node; absent until a first
 * revocation.</li>
 * </ul>
 * Running again with more nodes issues only the missing key stores, with the existing CA; existing files are kept.
 * The certificates themselves are {@link CertificateAuthority}'s; this class knows the folder's layout.
 */
public final class ClusterCertificates {
    public static final String CA_KEY_STORE = "cluster-ca-key.p12";
    public static final String TRUST_STORE = "cluster-ca.p12";
    public static final String CRL = ClusterConfig.Tls.CRL_FILE;
    static final String CA_ALIAS = "cluster-ca";
    private static final String ORGANISATION = "GridPACS";

    /** A node's key store: {@code written} now, or kept from an earlier run. */
    public record NodeKeyStore(String node, Path file, boolean written, X509Certificate certificate) {
    }

    /** What {@link #revoke} did: the node's certificate serial, the list written, how many it lists. */
    public record Revocation(String node, BigInteger serial, Path crl, boolean alreadyRevoked, int revokedCount,
                             Instant nextUpdate) {
    }

    /** What is in the folder after {@link #write}. */
    public record Result(Path caKeyStore, Path trustStore, boolean caWritten, X509Certificate ca, List<NodeKeyStore> nodes) {
    }

    private final Path dir;
    private final char[] password;
    private final Duration validity;
    private final KeyType keyType;

    /** @param password of every key store written (and of those read back) */
    public ClusterCertificates(Path dir, char[] password, int validityDays, KeyType keyType) {
        if (validityDays < 1) {
            throw new IllegalArgumentException("certificates must be valid for at least 1 day, not " + validityDays);
        }
        this.dir = dir;
        this.password = password.clone();
        this.validity = Duration.ofDays(validityDays);
        this.keyType = keyType;
    }

    public static String keyStoreName(String node) {
        return node + ".p12";
    }

    /** Makes the CA unless the folder has one, then a key store for each node (name -> host) that has none. */
    public Result write(Map<String, String> hostByNode) throws IOException, GeneralSecurityException {
        hostByNode.keySet().forEach(ClusterCertificates::checkName);
        Files.createDirectories(dir);
        Path caFile = dir.resolve(CA_KEY_STORE);
        Path trustFile = dir.resolve(TRUST_STORE);
        boolean newCa = !Files.exists(caFile);
        CertificateAuthority ca = newCa ? newCa(caFile, trustFile)
                : CertificateAuthority.of(KeyStores.privateKey(KeyStores.load(caFile, password), password, caFile));
        checkOrWriteTrustStore(trustFile, ca.certificate());

        List<NodeKeyStore> nodes = new ArrayList<>();
        for (Map.Entry<String, String> e : hostByNode.entrySet()) {
            Path file = dir.resolve(keyStoreName(e.getKey()));
            nodes.add(Files.exists(file) ? existing(e.getKey(), e.getValue(), file, ca.certificate())
                    : newNode(e.getKey(), e.getValue(), file, ca));
        }
        return new Result(caFile, trustFile, newCa, ca.certificate(), nodes);
    }

    /**
     * Revokes {@code node}'s certificate (the one in its key store here): adds its serial to the CA's revocation
     * list {@value #CRL} and writes the list again, signed by the CA, valid until the CA itself ends. The key store
     * stays; running {@link #write} for the node afterwards asks for it to be deleted, to issue a new one.
     */
    public Revocation revoke(String node) throws IOException, GeneralSecurityException {
        checkName(node);
        Path caFile = dir.resolve(CA_KEY_STORE);
        if (!Files.exists(caFile)) {
            throw new IOException("no cluster CA in " + dir + " (" + CA_KEY_STORE + "): only the CA that issued a "
                    + "certificate can revoke it");
        }
        CertificateAuthority ca = CertificateAuthority.of(KeyStores.privateKey(KeyStores.load(caFile, password),
                password, caFile));
        Path file = dir.resolve(keyStoreName(node));
        if (!Files.exists(file)) {
            throw new IOException("no key store for node " + node + " in " + dir + " (" + file.getFileName() + ")");
        }
        X509Certificate cert = (X509Certificate) KeyStores.privateKey(KeyStores.load(file, password), password, file)
                .getCertificate();
        if (!Certificates.issuedBy(cert, List.of(ca.certificate()))) {
            throw new IOException(file + " was not issued by the cluster CA in " + caFile);
        }
        Path crlFile = dir.resolve(CRL);
        Map<BigInteger, Instant> revoked = new LinkedHashMap<>();
        BigInteger number = BigInteger.ZERO;
        if (Files.exists(crlFile)) {
            X509CRL old = RevocationLists.read(crlFile);
            if (!RevocationLists.issuedBy(old, List.of(ca.certificate()))) {
                throw new IOException(crlFile + " is not signed by the cluster CA in " + caFile + "; move it away");
            }
            revoked.putAll(RevocationLists.revoked(old));
            number = RevocationLists.number(old);
        }
        Instant nextUpdate = ca.certificate().getNotAfter().toInstant();
        if (revoked.containsKey(cert.getSerialNumber())) {
            return new Revocation(node, cert.getSerialNumber(), crlFile, true, revoked.size(), nextUpdate);
        }
        revoked.put(cert.getSerialNumber(), Instant.now());
        RevocationLists.write(ca.revocationList(revoked, number.add(BigInteger.ONE), nextUpdate), crlFile);
        return new Revocation(node, cert.getSerialNumber(), crlFile, false, revoked.size(), nextUpdate);
    }

    /** Whether the folder's revocation list names {@code cert}. */
    private boolean isRevoked(X509Certificate cert) throws IOException {
        Path crlFile = dir.resolve(CRL);
        return Files.exists(crlFile) && RevocationLists.read(crlFile).isRevoked(cert);
    }

    private CertificateAuthority newCa(Path caFile, Path trustFile) throws IOException, GeneralSecurityException {
        if (Files.exists(trustFile)) {
            throw new IOException(trustFile + " exists but its CA key " + caFile + " does not: restore the key to add "
                    + "nodes, or move the folder away to start a new cluster CA (every node then needs new files)");
        }
        // a random suffix tells this cluster's CA from another's made by the same tool
        byte[] id = new byte[4];
        new SecureRandom().nextBytes(id);
        CertificateAuthority ca = CertificateAuthority.create(
                Certificates.subject(ORGANISATION, "GridPACS cluster CA " + HexFormat.of().formatHex(id)), keyType, validity);
        KeyStores.store(ca.keyStore(CA_ALIAS, password), caFile, password, KeyStores.Readers.OWNER);
        return ca;
    }

    private void checkOrWriteTrustStore(Path trustFile, X509Certificate ca) throws IOException, GeneralSecurityException {
        if (Files.exists(trustFile)) {
            if (!KeyStores.trusted(KeyStores.load(trustFile, password)).contains(ca)) {
                throw new IOException(trustFile + " does not hold the CA certificate of " + dir.resolve(CA_KEY_STORE));
            }
            return;
        }
        KeyStores.store(KeyStores.trustStore(CA_ALIAS, ca), trustFile, password, KeyStores.Readers.ALL);
    }

    private NodeKeyStore newNode(String node, String host, Path file, CertificateAuthority ca)
            throws IOException, GeneralSecurityException {
        var issued = ca.issue(CertificateRequest.tlsPeer(Certificates.subject(ORGANISATION, node), List.of(host), validity)
                .withKeyType(keyType));
        KeyStores.store(issued.keyStore(node, password), file, password, KeyStores.Readers.OWNER);
        return new NodeKeyStore(node, file, true, issued.certificate());
    }

    /** A key store from an earlier run: kept, if it is still right for this CA and host. */
    private NodeKeyStore existing(String node, String host, Path file, X509Certificate ca)
            throws IOException, GeneralSecurityException {
        X509Certificate cert = (X509Certificate) KeyStores.privateKey(KeyStores.load(file, password), password, file)
                .getCertificate();
        if (!Certificates.issuedBy(cert, List.of(ca))) {
            throw new IOException(file + " was not issued by the cluster CA in " + dir.resolve(CA_KEY_STORE)
                    + "; delete it and run again to issue a new one");
        }
        if (isRevoked(cert)) {
            throw new IOException(file + " holds a revoked certificate (serial " + cert.getSerialNumber().toString(16)
                    + "); delete it and run again to issue a new one");
        }
        if (!Certificates.matchesHost(cert, host)) {
            throw new IOException(file + " is for " + Certificates.names(cert) + ", not " + host
                    + "; delete it and run again to issue a new one");
        }
        return new NodeKeyStore(node, file, false, cert);
    }

    private static void checkName(String node) {
        if (!node.matches("[A-Za-z0-9_-]{1,32}") || node.equals(CA_ALIAS) || node.equals("cluster-ca-key")) {
            throw new IllegalArgumentException("a node name is 1 to 32 letters, digits, '-' or '_' (and not "
                    + CA_ALIAS + "), not '" + node + "'");
        }
    }
}
