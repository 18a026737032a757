package org.gridpacs.federation.site;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLContext;

import org.gridpacs.dicom.net.Tls;
import org.gridpacs.pki.Certificates;
import org.gridpacs.pki.KeyStores;
import org.gridpacs.pki.RevocationCheckingTrustManager;
import org.gridpacs.pki.TlsContexts;
import org.gridpacs.pki.WatchedRevocationLists;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trust of cross-site DICOM associations, both ways: the gateway's key store, the trust store's CAs (ours and
 * those imported), the revocation lists (watched, fail closed), TLS 1.3/1.2 with {@link TlsContexts}' policy, and
 * the check that a peer's certificate names the site and AE title it claims ({@link SiteIdentity}). Every refusal
 * goes to {@link TrustEvents}.
 */
public final class SiteTls {
    private static final Logger LOG = LoggerFactory.getLogger(SiteTls.class);
    private final FederationSettings settings;
    private final SSLContext context;
    private final WatchedRevocationLists crls;
    private final TrustEvents events;

    private SiteTls(FederationSettings settings, SSLContext context, WatchedRevocationLists crls, TrustEvents events) {
        this.settings = settings;
        this.context = context;
        this.crls = crls;
        this.events = events;
    }

    /**
     * Reads the TLS files {@code settings} names. Fails, naming the file, when one is missing or wrong: the
     * gateway's certificate must name this site and AE title, come from a trusted CA and not be revoked.
     */
    public static SiteTls load(FederationSettings settings, TrustEvents events) throws IOException, GeneralSecurityException {
        FederationSettings.TlsFiles f = settings.tls();
        char[] password = f.password();
        KeyStore keys = load(f.keyStore(), password);
        KeyStore trust = load(f.trustStore(), password);
        X509Certificate own = (X509Certificate) KeyStores.privateKey(keys, password, f.keyStore()).getCertificate();
        List<X509Certificate> anchors = KeyStores.trusted(trust);
        if (anchors.isEmpty()) {
            throw new IOException(f.trustStore() + " holds no trusted CA certificate");
        }
        String mismatch = SiteIdentity.refusal(own, settings.siteName(), settings.aeTitle(), null);
        if (mismatch != null) {
            throw new IOException("the certificate in " + f.keyStore() + " cannot be this gateway's: " + mismatch
                    + " (federation.site-name, federation.ae-title); make one with pacs federation-certs");
        }
        if (!Certificates.issuedBy(own, anchors)) {
            throw new IOException("the certificate in " + f.keyStore() + " was not issued by a CA in " + f.trustStore());
        }
        own.checkValidity();
        WatchedRevocationLists crls = new WatchedRevocationLists("federation CRL", f.allCrls(), anchors);
        String revoked = crls.refusal(own);
        if (revoked != null) {
            throw new IOException("the certificate in " + f.keyStore() + " cannot be used: " + revoked);
        }
        RevocationCheckingTrustManager tm = new RevocationCheckingTrustManager(trust, crls, (chain, reason, socket) ->
                events.refused(SiteIdentity.claimedSite(chain), "TLS handshake: " + reason,
                        socket == null ? null : socket.getRemoteSocketAddress()), false);
        LOG.info("Federation TLS: this gateway is {}, certificate valid until {}; trusting {}",
                SiteIdentity.describe(own), own.getNotAfter().toInstant(),
                anchors.stream().map(c -> c.getSubjectX500Principal().getName()).toList());
        return new SiteTls(settings, TlsContexts.contextTrusting(keys, password, tm), crls, events);
    }

    private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        try {
            return KeyStores.load(file, password);
        } catch (IOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                throw new IOException(e.getMessage() + " (make it with pacs federation-certs)", e);
            }
            throw e;
        }
    }

    /** For the gateway's federation port: client certificates required, the caller checked against its calling AE. */
    public Tls acceptorTls() {
        return new Tls(context, true, this::callerRefusal);
    }

    /** For our calls to other sites: the called site's certificate checked against its configured name and AE. */
    public Tls requestorTls() {
        return new Tls(context, true, this::calledRefusal);
    }

    private String callerRefusal(String callingAeTitle, X509Certificate cert, SocketAddress peer) {
        Optional<RemoteSite> site = settings.remoteByAeTitle(callingAeTitle);
        if (site.isEmpty()) {
            return refused(SiteIdentity.describe(cert), "calling AE title " + callingAeTitle
                    + " is no remote site's (conf/federation.properties)", peer);
        }
        return check(site.get(), cert, peer, "calling AE " + callingAeTitle);
    }

    private String calledRefusal(String calledAeTitle, X509Certificate cert, SocketAddress peer) {
        Optional<RemoteSite> site = settings.remoteByAeTitle(calledAeTitle);
        if (site.isEmpty()) {
            return refused(SiteIdentity.describe(cert), "called AE title " + calledAeTitle + " is no remote site's", peer);
        }
        return check(site.get(), cert, peer, "called AE " + calledAeTitle);
    }

    private String check(RemoteSite site, X509Certificate cert, SocketAddress peer, String role) {
        String why = SiteIdentity.refusal(cert, site);
        if (why == null) {
            // again here, not only in the handshake: a resumed TLS session skips the trust manager
            why = crls.refusal(cert);
        }
        return why == null ? null : refused(site.name(), role + ": " + why, peer);
    }

    private String refused(String site, String reason, SocketAddress peer) {
        events.refused(site, reason, peer);
        return reason;
    }

    public FederationSettings settings() {
        return settings;
    }
}
