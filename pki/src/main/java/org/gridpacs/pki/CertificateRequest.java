package org.gridpacs.pki;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

/**
 * What an end-entity certificate is to say: its subject, the host names or IP addresses it is valid for
 * (subjectAltName), what it may be used for (extended key usage), its key type and its validity.
 */
public record CertificateRequest(X500Principal subject, List<String> names, Set<Usage> usages, KeyType keyType,
                                 Instant notBefore, Instant notAfter) {
    /** Certificates start an hour back, so that a peer whose clock is a little behind accepts them. */
    static final Duration BACKDATE = Duration.ofHours(1);

    /** The extended key usages this package issues. */
    public enum Usage { TLS_SERVER, TLS_CLIENT }

    public CertificateRequest {
        names = List.copyOf(names);
        usages = Set.copyOf(usages);
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("a certificate must end after it starts: " + notBefore + " .. " + notAfter);
        }
    }

    /** A TLS server and client certificate (a cluster node, a site gateway), EC, valid from now for {@code validity}. */
    public static CertificateRequest tlsPeer(X500Principal subject, List<String> names, Duration validity) {
        Instant now = Instant.now();
        return new CertificateRequest(subject, names, EnumSet.allOf(Usage.class), KeyType.EC, now.minus(BACKDATE),
                now.plus(validity));
    }

    public CertificateRequest withKeyType(KeyType type) {
        return new CertificateRequest(subject, names, usages, type, notBefore, notAfter);
    }

    public CertificateRequest withUsages(Set<Usage> only) {
        return new CertificateRequest(subject, names, only, keyType, notBefore, notAfter);
    }

    public CertificateRequest withValidity(Instant from, Instant until) {
        return new CertificateRequest(subject, names, usages, keyType, from, until);
    }
}
