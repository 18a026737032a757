package org.gridpacs.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revocation list files of several CAs (a federation: ours and each trusted site's or a national CA's), as a
 * relying party holds them: each file is looked at again at most once a second and read again when it changed, so
 * that a revocation applies to the next connection without a restart.
 * <ul>
 * <li>a file that does not exist: that CA revoked nothing (yet);</li>
 * <li>a list that cannot be read, is signed by none of the trusted CAs, or is past its next update: every
 * certificate is refused (fails closed) until a good list is in place, said at ERROR once per change;</li>
 * <li>otherwise a certificate that a list of its issuer names is refused.</li>
 * </ul>
 * Unlike {@link RevocationLists#trustManager} a CA without a list is not an error: sites publish lists on their
 * own schedule. The cluster's single list ({@code ClusterCrl} in replication) follows the same rules.
 */
public final class WatchedRevocationLists {
    private static final Logger LOG = LoggerFactory.getLogger(WatchedRevocationLists.class);
    private static final long RECHECK_NANOS = 1_000_000_000L;

    /** One file as last read: its stamp, its list (null: none), or why it may not be used. */
    private record Entry(Path file, Object stamp, X509CRL crl, String failure) {
    }

    private final String label;
    private final String hint;
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<X509Certificate> cas;
    private final List<Path> files;
    private volatile List<Entry> entries;
    private volatile long checkedNanos;
    private volatile Instant expiryLogged;

    /**
     * @param label what the lists are, for messages ("federation CRL")
     * @param files the list files (PEM or DER), any of them possibly absent
     * @param cas   the trusted CAs: every list must be signed by one of them
     */
    public WatchedRevocationLists(String label, List<Path> files, List<X509Certificate> cas) {
        this(label, "", files, cas);
    }

    /** @param hint how to put a good list in place, appended to the errors ("pacs cluster-certs --revoke writes one") */
    public WatchedRevocationLists(String label, String hint, List<Path> files, List<X509Certificate> cas) {
        this.label = label;
        this.hint = hint.isEmpty() ? "" : " (" + hint + ")";
        this.files = List.copyOf(files);
        this.cas = List.copyOf(cas);
        List<Entry> first = new ArrayList<>();
        for (Path f : this.files) {
            first.add(read(f, stamp(f), true));
        }
        this.entries = List.copyOf(first);
        this.checkedNanos = System.nanoTime();
    }

    public List<Path> files() {
        return files;
    }

    /** Runs {@code listener} after each change of a list (on the thread that noticed it). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Looks at the files now (if a second has passed): for a watcher thread, so that changes are said untouched. */
    public void refresh() {
        current();
    }

    /** Why no list may be used now (then every certificate is refused), or null. */
    public String failure() {
        for (Entry e : current()) {
            if (e.failure() != null) {
                return e.failure();
            }
            String expired = expired(e);
            if (expired != null) {
                return expired;
            }
        }
        return null;
    }

    /** Whether a list in force now names {@code cert} (whatever the state of the other lists). */
    public boolean revokes(X509Certificate cert) {
        return revokedBy(current(), cert) != null;
    }

    private static Entry revokedBy(List<Entry> entries, X509Certificate cert) {
        for (Entry e : entries) {
            if (e.crl() != null && e.crl().getIssuerX500Principal().equals(cert.getIssuerX500Principal())
                    && e.crl().isRevoked(cert)) {
                return e;
            }
        }
        return null;
    }

    /**
     * Null when {@code cert} may be used; else why not: a list of its issuer names it, or a list may not be used
     * (then every certificate is refused).
     */
    public String refusal(X509Certificate cert) {
        String failure = failure();
        if (failure != null) {
            return failure;
        }
        Entry e = revokedBy(current(), cert);
        return e == null ? null : "its certificate (serial " + cert.getSerialNumber().toString(16) + ", "
                + cert.getSubjectX500Principal().getName() + ") is revoked by the " + label + " " + e.file();
    }

    private String expired(Entry e) {
        if (e.crl() == null || e.crl().getNextUpdate() == null) {
            return null;
        }
        Instant next = e.crl().getNextUpdate().toInstant();
        if (!Instant.now().isAfter(next)) {
            return null;
        }
        String why = "the " + label + " " + e.file() + " expired at " + next + " (its next update)";
        if (!next.equals(expiryLogged)) {
            expiryLogged = next;
            LOG.error("{}: every certificate is refused until a current list is in place{}", why, hint);
        }
        return why;
    }

    private List<Entry> current() {
        long now = System.nanoTime();
        if (now - checkedNanos >= RECHECK_NANOS) {
            synchronized (this) {
                if (now - checkedNanos >= RECHECK_NANOS) {
                    List<Entry> next = new ArrayList<>();
                    boolean changed = false;
                    for (Entry e : entries) {
                        Object stamp = stamp(e.file());
                        boolean same = Objects.equals(stamp, e.stamp());
                        next.add(same ? e : read(e.file(), stamp, false));
                        changed |= !same;
                    }
                    entries = List.copyOf(next);
                    checkedNanos = System.nanoTime();
                    if (changed) {
                        listeners.forEach(Runnable::run);
                    }
                }
            }
        }
        return entries;
    }

    /** The file's identity and version: a rewrite (a rename over it, or an edit) changes it. */
    private static Object stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime(), a.size());
        } catch (NoSuchFileException e) {
            return "missing";
        } catch (IOException e) {
            return "unreadable " + e;
        }
    }

    private Entry read(Path file, Object stamp, boolean first) {
        if ("missing".equals(stamp)) {
            if (first) {
                LOG.info("No {} at {}: its CA revoked nothing", label, file);
            } else {
                LOG.warn("The {} {} is gone: no certificate of its CA counts as revoked any more", label, file);
            }
            return new Entry(file, stamp, null, null);
        }
        X509CRL crl;
        try {
            crl = RevocationLists.read(file);
        } catch (IOException e) {
            return failed(file, stamp, "the " + label + " " + e.getMessage());
        }
        if (!RevocationLists.issuedBy(crl, cas)) {
            return failed(file, stamp, "the " + label + " " + file + " is not signed by a trusted CA ("
                    + crl.getIssuerX500Principal().getName() + ")");
        }
        LOG.info("{} {}: {} certificate(s) of {} revoked (list number {}, next update {})", label, file,
                RevocationLists.revoked(crl).size(), crl.getIssuerX500Principal().getName(),
                RevocationLists.number(crl), crl.getNextUpdate() == null ? "none" : crl.getNextUpdate().toInstant());
        return new Entry(file, stamp, crl, null);
    }

    private Entry failed(Path file, Object stamp, String why) {
        LOG.error("{}: every certificate is refused until a good list is in place{}", why, hint);
        return new Entry(file, stamp, null, why);
    }
}
