package org.gridpacs.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * A private certificate authority (the cluster's, later a federation's): a self-signed CA certificate that may sign
 * end-entity certificates only, and its key. Bouncy Castle builds the certificates; the keys are the JDK's.
 */
public final class CertificateAuthority {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final PrivateKey key;
    private final X509Certificate certificate;

    private CertificateAuthority(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        this.certificate = certificate;
    }

    /** A new CA with a new key, valid from now (back-dated an hour) for {@code validity}. */
    public static CertificateAuthority create(X500Principal subject, KeyType type, Duration validity)
            throws GeneralSecurityException {
        KeyPair pair = type.generate();
        Instant now = Instant.now();
        X500Name name = X500Name.getInstance(subject.getEncoded());
        X509v3CertificateBuilder b = builder(name, name, pair.getPublic(), now.minus(CertificateRequest.BACKDATE),
                now.plus(validity));
        try {
            // path length 0: it signs end entities, never another CA
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
        } catch (CertIOException e) {
            throw new GeneralSecurityException(e);
        }
        return new CertificateAuthority(pair.getPrivate(), sign(b, pair.getPrivate()));
    }

    /** The CA kept in a key store entry (see {@link #keyStore}). */
    public static CertificateAuthority of(KeyStore.PrivateKeyEntry entry) throws GeneralSecurityException {
        X509Certificate cert = (X509Certificate) entry.getCertificate();
        if (cert.getBasicConstraints() < 0) {
            throw new GeneralSecurityException(cert.getSubjectX500Principal() + " is not a CA certificate");
        }
        return new CertificateAuthority(entry.getPrivateKey(), cert);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** A key store with the key and certificate under {@code alias}, for {@link KeyStores#store} (owner only). */
    public KeyStore keyStore(String alias, char[] password) throws GeneralSecurityException {
        return KeyStores.keyStore(alias, key, password, certificate);
    }

    /** A new key pair and a certificate for it; it ends no later than this CA, which could not vouch for it after. */
    public IssuedCertificate issue(CertificateRequest rq) throws GeneralSecurityException {
        KeyPair pair = rq.keyType().generate();
        Instant caEnd = certificate.getNotAfter().toInstant();
        Instant notAfter = rq.notAfter().isAfter(caEnd) ? caEnd : rq.notAfter();
        X509v3CertificateBuilder b = builder(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                X500Name.getInstance(rq.subject().getEncoded()), pair.getPublic(), rq.notBefore(), notAfter);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        // RSA keys may also carry the TLS 1.2 RSA key exchange; EC keys only sign
        boolean rsa = pair.getPublic().getAlgorithm().equals("RSA");
        try {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | (rsa ? KeyUsage.keyEncipherment : 0)));
            if (!rq.usages().isEmpty()) {
                b.addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage(rq));
            }
            if (!rq.names().isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(rq.names()));
            }
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
        } catch (CertIOException e) {
            throw new GeneralSecurityException(e);
        }
        return new IssuedCertificate(pair.getPrivate(), sign(b, key), certificate);
    }

    /**
     * A certificate revocation list (RFC 5280 v2 CRL) signed by this CA, listing {@code revoked} (serial -> when it
     * was revoked), numbered {@code number} (higher is newer) and valid from now until {@code nextUpdate}; after
     * that a relying party may no longer trust it.
     */
    public X509CRL revocationList(Map<BigInteger, Instant> revoked, BigInteger number, Instant nextUpdate)
            throws GeneralSecurityException {
        Instant now = Instant.now();
        X509v2CRLBuilder b = new X509v2CRLBuilder(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                Date.from(now));
        b.setNextUpdate(Date.from(nextUpdate));
        // sorted: the same set gives the same list, whatever the map's order
        revoked.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> b.addCRLEntry(e.getKey(), Date.from(e.getValue()), CRLReason.unspecified));
        try {
            b.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
            return new JcaX509CRLConverter().getCRL(
                    b.build(new JcaContentSignerBuilder(KeyType.signatureAlgorithm(key)).build(key)));
        } catch (CertIOException | OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static ExtendedKeyUsage extendedKeyUsage(CertificateRequest rq) {
        List<KeyPurposeId> ids = new ArrayList<>();
        // a fixed order (server, client), whatever the set's
        if (rq.usages().contains(CertificateRequest.Usage.TLS_SERVER)) {
            ids.add(KeyPurposeId.id_kp_serverAuth);
        }
        if (rq.usages().contains(CertificateRequest.Usage.TLS_CLIENT)) {
            ids.add(KeyPurposeId.id_kp_clientAuth);
        }
        return new ExtendedKeyUsage(ids.toArray(KeyPurposeId[]::new));
    }

    private static GeneralNames subjectAltNames(List<String> names) {
        GeneralName[] gn = new GeneralName[names.size()];
        for (int i = 0; i < gn.length; i++) {
            String n = names.get(i);
            gn[i] = IPAddress.isValid(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n);
        }
        return new GeneralNames(gn);
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key, Instant notBefore,
                                                    Instant notAfter) {
        // 127 random bits: unique without a serial counter to keep, and positive as RFC 5280 wants
        BigInteger serial = new BigInteger(127, RANDOM);
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(notBefore), Date.from(notAfter), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(KeyType.signatureAlgorithm(signer)).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
