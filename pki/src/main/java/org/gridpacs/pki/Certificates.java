package org.gridpacs.pki;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;

/** What a certificate says: its names, who issued it. */
public final class Certificates {
    private Certificates() {
    }

    /** {@code O=organisation, CN=commonName}, built rather than parsed so that commas or quotes in a name are safe. */
    public static X500Principal subject(String organisation, String commonName) {
        try {
            return new X500Principal(new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, organisation)
                    .addRDN(BCStyle.CN, commonName).build().getEncoded());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot encode O=" + organisation + ", CN=" + commonName, e);
        }
    }

    /** The subject's common name (CN), or null when it has none. */
    public static String commonName(X509Certificate cert) {
        org.bouncycastle.asn1.x500.X500Name name = org.bouncycastle.asn1.x500.X500Name.getInstance(
                cert.getSubjectX500Principal().getEncoded());
        org.bouncycastle.asn1.x500.RDN[] cns = name.getRDNs(BCStyle.CN);
        if (cns.length == 0) {
            return null;
        }
        return org.bouncycastle.asn1.x500.style.IETFUtils.valueToString(cns[0].getFirst().getValue());
    }

    /** The subject's organisation (O), or null when it has none. */
    public static String organisation(X509Certificate cert) {
        org.bouncycastle.asn1.x500.X500Name name = org.bouncycastle.asn1.x500.X500Name.getInstance(
                cert.getSubjectX500Principal().getEncoded());
        org.bouncycastle.asn1.x500.RDN[] os = name.getRDNs(BCStyle.O);
        if (os.length == 0) {
            return null;
        }
        return org.bouncycastle.asn1.x500.style.IETFUtils.valueToString(os[0].getFirst().getValue());
    }

    /** The host names and IP addresses in a certificate's subjectAltName, in its order. */
    public static List<String> names(X509Certificate cert) throws CertificateParsingException {
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        List<String> names = new ArrayList<>();
        if (sans != null) {
            for (List<?> san : sans) {
                if (san.get(1) instanceof String s) {
                    names.add(s);
                }
            }
        }
        return names;
    }

    /**
     * Whether the certificate names {@code host} in its subjectAltName: a host name case-insensitively, an IP
     * address as written by the JDK. No wildcards: this package issues none, and a peer is checked against its own.
     */
    public static boolean matchesHost(X509Certificate cert, String host) throws CertificateParsingException {
        for (String name : names(cert)) {
            if (name.toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** Whether one of {@code cas} signed {@code cert} (by name and signature; validity is not checked). */
    public static boolean issuedBy(X509Certificate cert, Collection<X509Certificate> cas) {
        for (X509Certificate ca : cas) {
            if (cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                try {
                    cert.verify(ca.getPublicKey());
                    return true;
                } catch (GeneralSecurityException e) {
                    // same name, another key: try the next one
                }
            }
        }
        return false;
    }
}
