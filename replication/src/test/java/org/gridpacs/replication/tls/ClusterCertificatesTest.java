package org.gridpacs.replication.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gridpacs.pki.Certificates;
import org.gridpacs.pki.KeyStores;
import org.gridpacs.pki.KeyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterCertificatesTest {
    private static final char[] PW = "changeit".toCharArray();
    @TempDir
    Path dir;

    @Test
    void makesACaAndNodeKeyStoresThenAddsANodeWithTheSameCa() throws Exception {
        ClusterCertificates certs = new ClusterCertificates(dir, PW, 100, KeyType.EC);
        ClusterCertificates.Result first = certs.write(hosts("node1", "127.0.0.1", "node2", "pacs2.example.org"));
        assertTrue(first.caWritten());
        X509Certificate ca = first.ca();
        // what a CA and its certificates hold is CertificateAuthorityTest's (pki); here: the folder and its files
        assertTrue(ca.getSubjectX500Principal().getName().startsWith("CN=GridPACS cluster CA "), ca.toString());
        assertEquals("rw-------", perms(dir.resolve("cluster-ca-key.p12")));
        assertEquals("rw-r--r--", perms(dir.resolve("cluster-ca.p12")));

        KeyStore trust = KeyStores.load(dir.resolve("cluster-ca.p12"), PW);
        assertEquals(List.of("cluster-ca"), java.util.Collections.list(trust.aliases()));
        assertTrue(trust.isCertificateEntry("cluster-ca"));
        assertEquals(ca, trust.getCertificate("cluster-ca"));

        X509Certificate node1 = nodeCertificate("node1", ca);
        assertEquals("CN=node1,O=GridPACS", node1.getSubjectX500Principal().getName());
        assertEquals(List.of("127.0.0.1"), Certificates.names(node1));
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), node1.getExtendedKeyUsage());
        Duration validity = Duration.between(Instant.now(), node1.getNotAfter().toInstant());
        assertTrue(validity.toDays() >= 99 && validity.toDays() <= 100, validity.toString());
        assertEquals("rw-------", perms(dir.resolve("node1.p12")));
        X509Certificate node2 = nodeCertificate("node2", ca);
        assertEquals(List.of("pacs2.example.org"), Certificates.names(node2));

        byte[] node1File = Files.readAllBytes(dir.resolve("node1.p12"));
        byte[] caFile = Files.readAllBytes(dir.resolve("cluster-ca-key.p12"));
        ClusterCertificates.Result again = certs.write(hosts("node1", "127.0.0.1", "node2", "pacs2.example.org",
                "node3", "127.0.0.1"));
        assertFalse(again.caWritten());
        assertEquals(ca, again.ca());
        assertEquals(List.of(false, false, true), again.nodes().stream().map(ClusterCertificates.NodeKeyStore::written).toList());
        assertArrayEquals(node1File, Files.readAllBytes(dir.resolve("node1.p12")));
        assertArrayEquals(caFile, Files.readAllBytes(dir.resolve("cluster-ca-key.p12")));
        nodeCertificate("node3", ca);
    }

    @Test
    void theKeyTypeIsForTheCaAndTheNodes() throws Exception {
        ClusterCertificates.Result r = new ClusterCertificates(dir, PW, 10, KeyType.RSA)
                .write(hosts("node1", "127.0.0.1"));
        assertEquals("RSA", r.ca().getPublicKey().getAlgorithm());
        assertEquals("SHA256withRSA", nodeCertificate("node1", r.ca()).getSigAlgName());
    }

    @Test
    void refusesToStartANewCaBesideAnOldTrustStoreOrToKeepAStaleNodeKeyStore() throws Exception {
        ClusterCertificates certs = new ClusterCertificates(dir, PW, 10, KeyType.EC);
        certs.write(hosts("node1", "127.0.0.1"));
        IOException e = assertThrows(IOException.class, () -> certs.write(hosts("node1", "10.0.0.1")));
        assertTrue(e.getMessage().contains("node1.p12 is for [127.0.0.1], not 10.0.0.1"), e.getMessage());

        Files.delete(dir.resolve("cluster-ca-key.p12"));
        e = assertThrows(IOException.class, () -> certs.write(hosts("node2", "127.0.0.1")));
        assertTrue(e.getMessage().contains("cluster-ca.p12 exists but its CA key"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> certs.write(hosts("../evil", "127.0.0.1")));
    }

    /** The node's key store: one key entry, chain [node, CA], the node's certificate signed by the CA. */
    private X509Certificate nodeCertificate(String node, X509Certificate ca) throws Exception {
        KeyStore ks = KeyStores.load(dir.resolve(node + ".p12"), PW);
        KeyStore.PrivateKeyEntry entry = KeyStores.privateKey(ks, PW, dir);
        Certificate[] chain = entry.getCertificateChain();
        assertEquals(2, chain.length);
        assertEquals(ca, chain[1]);
        chain[0].verify(ca.getPublicKey());
        assertEquals(chain[0].getPublicKey().getAlgorithm(), entry.getPrivateKey().getAlgorithm());
        return (X509Certificate) chain[0];
    }

    private static Map<String, String> hosts(String... nameHost) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameHost.length; i += 2) {
            m.put(nameHost[i], nameHost[i + 1]);
        }
        return m;
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
