package org.gridpacs.replication.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.X509ExtendedTrustManager;

import org.gridpacs.pki.KeyStores;
import org.gridpacs.pki.RevocationLists;
import org.gridpacs.replication.config.ClusterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 */
public final class ClusterCrl {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterCrl.class);
    private static final long RECHECK_NANOS = 1_000_000_000L;
    private static final Map<List<Path>, ClusterCrl> OPEN = new ConcurrentHashMap<>();
    /** Looks at every open list once a second, so that a change is seen (and said) without peer traffic. */
    private static final java.util.concurrent.ScheduledExecutorService WATCHER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cluster-crl-watch");
                t.setDaemon(true);
                return t;
            });
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** What the file held when last read: the trust to use, or why none may be used. */
    private record State(Object stamp, X509CRL crl, X509ExtendedTrustManager trust, String failure) {
    }

    private final Path file;
    private final KeyStore anchors;
    private final List<X509Certificate> cas;
    private volatile State state;
    private volatile long checkedNanos;
    private volatile Instant expiryLogged;

    ClusterCrl(Path file, KeyStore anchors) throws GeneralSecurityException {
        this.file = file;
        this.anchors = anchors;
        this.cas = KeyStores.trusted(anchors);
        this.state = read(stamp(), null);
        this.checkedNanos = System.nanoTime();
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
            ClusterCrl watched = crl;
            WATCHER.scheduleWithFixedDelay(watched::current, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
        return crl;
    }

    /** Runs {@code listener} after each change of the list in force (on the watcher's thread). */
    void onChange(Runnable listener) {
        listeners.add(listener);
    }

    public Path file() {
        return file;
    }

    /** The trust to decide a handshake with now; a CertificateException saying why when the list may not be used. */
    X509ExtendedTrustManager trust() throws CertificateException {
        State s = current();
        String failure = failure(s);
        if (failure != null) {
            throw new CertificateException(failure);
        }
        return s.trust();
    }

    /** Null when {@code cert} may be used; else why not (it is revoked, or the list may not be used). */
    public String refusal(X509Certificate cert) {
        State s = current();
        String failure = failure(s);
        if (failure != null) {
            return failure;
        }
        return s.crl() != null && s.crl().isRevoked(cert) ? "its certificate (serial " + serial(cert.getSerialNumber())
                + ") is revoked by the cluster CRL" : null;
    }

    /** Whether the list in force now names {@code cert}. */
    boolean revokes(X509Certificate cert) {
        X509CRL crl = current().crl();
        return crl != null && crl.isRevoked(cert);
    }

    static String serial(BigInteger serial) {
        return serial.toString(16);
    }

    private State current() {
        long now = System.nanoTime();
        if (now - checkedNanos >= RECHECK_NANOS) {
            synchronized (this) {
                if (now - checkedNanos >= RECHECK_NANOS) {
                    Object stamp = stamp();
                    if (!Objects.equals(stamp, state.stamp())) {
                        state = read(stamp, state);
                        listeners.forEach(Runnable::run);
                    }
                    checkedNanos = System.nanoTime();
                }
            }
        }
        return state;
    }

    /** Why the list may not be used now, or null; an expiry is said once. */
    private String failure(State s) {
        if (s.failure() != null) {
            return s.failure();
        }
        if (s.crl() != null && s.crl().getNextUpdate() != null) {
            Instant next = s.crl().getNextUpdate().toInstant();
            if (Instant.now().isAfter(next)) {
                String why = "the cluster CRL " + file + " expired at " + next + " (its next update)";
                if (!next.equals(expiryLogged)) {
                    expiryLogged = next;
                    LOG.error("{}: every peer connection is refused until a current list is in place (pacs "
                            + "cluster-certs --revoke writes one)", why);
                }
                return why;
            }
        }
        return null;
    }

    /** The file's identity and version: a rewrite (a rename over it, or an edit) changes it. */
    private Object stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime(), a.size());
        } catch (NoSuchFileException e) {
            return "missing";
        } catch (IOException e) {
            return "unreadable " + e;
        }
    }

    private State read(Object stamp, State before) {
        try {
            if ("missing".equals(stamp)) {
                if (before == null) {
                    LOG.info("No cluster CRL at {}: no node certificate is revoked", file);
                } else {
                    LOG.warn("The cluster CRL {} is gone: no node certificate counts as revoked any more", file);
                }
                return new State(stamp, null, RevocationLists.trustManager(anchors, null), null);
            }
            X509CRL crl;
            try {
                crl = RevocationLists.read(file);
            } catch (IOException e) {
                return failed(stamp, e.getMessage());
            }
            if (!RevocationLists.issuedBy(crl, cas)) {
                return failed(stamp, "the cluster CRL " + file + " is not signed by the cluster CA ("
                        + crl.getIssuerX500Principal().getName() + ")");
            }
            LOG.info("Cluster CRL {}: {} node certificate(s) revoked (list number {}, next update {})", file,
                    RevocationLists.revoked(crl).size(), RevocationLists.number(crl),
                    crl.getNextUpdate() == null ? "none" : crl.getNextUpdate().toInstant());
            return new State(stamp, crl, RevocationLists.trustManager(anchors, crl), null);
        } catch (GeneralSecurityException e) {
            return failed(stamp, "the cluster CRL " + file + " cannot be used: " + e.getMessage());
        }
    }

    private State failed(Object stamp, String why) {
        LOG.error("{}: every peer connection is refused until a good list is in place", why);
        return new State(stamp, null, null, why);
    }
}
