package org.gridpacs.replication.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.X509ExtendedTrustManager;

import org.gridpacs.pki.KeyStores;
import org.gridpacs.pki.RevocationCheckingTrustManager;
import org.gridpacs.pki.WatchedRevocationLists;
import org.gridpacs.replication.config.ClusterConfig;

/**
 * The cluster CA's certificate revocation list as a node holds it ({@code cluster.tls.crl}): the file is looked at
 * again at most once a second and read again when it changed, so that a revocation applies to every new peer
 * connection (and every peer request, {@code PeerIdentity}) without a restart.
 * <ul>
 * <li>no file: no certificate is revoked;</li>
 * <li>a list that cannot be read, is not signed by the cluster CA, or is past its next update: every peer is
 * refused (fails closed) until a good list is in place, said at ERROR once;</li>
 * <li>otherwise a peer certificate the list names is refused.</li>
 * </ul>
 * One instance per list and trust store in a process ({@link #of}), shared by the TLS trust and the request checks.
 * The watching and reading are pki's {@link WatchedRevocationLists} (the federation's lists follow the same rules).
 */
public final class ClusterCrl {
    private static final Map<List<Path>, ClusterCrl> OPEN = new ConcurrentHashMap<>();
    /** Looks at every open list once a second, so that a change is seen (and said) without peer traffic. */
    private static final java.util.concurrent.ScheduledExecutorService WATCHER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cluster-crl-watch");
                t.setDaemon(true);
                return t;
            });

    private final Path file;
    /** The file's watching, reading and failing closed: pki's, shared with the federation's lists. */
    private final WatchedRevocationLists lists;
    private final X509ExtendedTrustManager trust;

    ClusterCrl(Path file, KeyStore anchors) throws GeneralSecurityException {
        this.file = file;
        this.lists = new WatchedRevocationLists("cluster CRL", "pacs cluster-certs --revoke writes one", List.of(file),
                KeyStores.trusted(anchors));
        // advertising the cluster CA keeps a node's key choice as before
        this.trust = new RevocationCheckingTrustManager(anchors, lists, (chain, reason, socket) -> { }, true);
    }

    /** The list {@code tls} names, checked against its trust store's CA; one shared instance per pair of files. */
    public static ClusterCrl of(ClusterConfig.Tls tls) throws IOException, GeneralSecurityException {
        List<Path> key = List.of(tls.crl().toAbsolutePath().normalize(), tls.trustStore().toAbsolutePath().normalize());
        ClusterCrl crl = OPEN.get(key);
        if (crl == null) {
            crl = new ClusterCrl(tls.crl(), KeyStores.load(tls.trustStore(), tls.trustStorePassword()));
            ClusterCrl raced = OPEN.putIfAbsent(key, crl);
            if (raced != null) {
                return raced;
            }
            WatchedRevocationLists watched = crl.lists;
            WATCHER.scheduleWithFixedDelay(watched::refresh, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
        return crl;
    }

    /** Runs {@code listener} after each change of the list in force (on the thread that noticed it). */
    void onChange(Runnable listener) {
        lists.onChange(listener);
    }

    public Path file() {
        return file;
    }

    /** The trust to decide a handshake with now; a CertificateException saying why when the list may not be used. */
    X509ExtendedTrustManager trust() throws CertificateException {
        String failure = lists.failure();
        if (failure != null) {
            throw new CertificateException(failure);
        }
        return trust;
    }

    /** Null when {@code cert} may be used; else why not (it is revoked, or the list may not be used). */
    public String refusal(X509Certificate cert) {
        return lists.refusal(cert);
    }

    /** Whether the list in force now names {@code cert}. */
    boolean revokes(X509Certificate cert) {
        return lists.revokes(cert);
    }

    static String serial(BigInteger serial) {
        return serial.toString(16);
    }
}
