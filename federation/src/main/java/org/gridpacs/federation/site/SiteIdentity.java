package org.gridpacs.federation.site;

import java.security.cert.X509Certificate;
import java.util.List;

import javax.security.auth.x500.X500Principal;

import org.gridpacs.pki.Certificates;

/**
 * How a site gateway's certificate names it: subject {@code CN=<AE title>, O=<site name>} (encoded O first, then
 * CN; both compared exactly, case included, as DICOM compares AE titles), subjectAltName the gateway's host names
 * or IP addresses (for TLS clients that check them; DICOM peers here are known by subject, not address).
 */
public final class SiteIdentity {
    private SiteIdentity() {
    }

    /** The subject of a site gateway's certificate. */
    public static X500Principal subject(String siteName, String aeTitle) {
        return Certificates.subject(siteName, aeTitle);
    }

    /** Null when {@code cert} is {@code site}'s gateway certificate; else why not. */
    public static String refusal(X509Certificate cert, RemoteSite site) {
        return refusal(cert, site.name(), site.aeTitle(), site.issuer());
    }

    /** Null when {@code cert} names site {@code name} and AE {@code aeTitle} (issued by {@code issuer}, if given). */
    public static String refusal(X509Certificate cert, String name, String aeTitle, X500Principal issuer) {
        String o = Certificates.organisation(cert);
        String cn = Certificates.commonName(cert);
        if (!name.equals(o) || !aeTitle.equals(cn)) {
            return "its certificate is for " + describe(cert) + ", not site " + name + " AE " + aeTitle;
        }
        if (issuer != null && !issuer.equals(cert.getIssuerX500Principal())) {
            return "its certificate was issued by " + cert.getIssuerX500Principal().getName() + ", not by "
                    + issuer.getName() + " as configured for site " + name;
        }
        return null;
    }

    /** "site O, AE CN" as a certificate says, for messages. */
    public static String describe(X509Certificate cert) {
        return "site " + Certificates.organisation(cert) + " AE " + Certificates.commonName(cert);
    }

    /** The site a certificate claims (its O), for messages about certificates we refused; "unknown" without one. */
    public static String claimedSite(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return "unknown";
        }
        String o = Certificates.organisation(chain[0]);
        return o == null ? "unknown" : o;
    }

    static List<String> names(X509Certificate cert) throws java.security.cert.CertificateParsingException {
        return Certificates.names(cert);
    }
}
