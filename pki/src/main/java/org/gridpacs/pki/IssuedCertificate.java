package org.gridpacs.pki;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A new key pair's private key, its certificate and the certificate of the CA that issued it. */
public record IssuedCertificate(PrivateKey key, X509Certificate certificate, X509Certificate ca) {

    /** The chain a TLS peer presents: its own certificate, then the CA's. */
    public X509Certificate[] chain() {
        return new X509Certificate[] {certificate, ca};
    }

    /** A key store with the key and chain under {@code alias}, for {@link KeyStores#store} or a TLS context. */
    public KeyStore keyStore(String alias, char[] password) throws GeneralSecurityException {
        return KeyStores.keyStore(alias, key, password, chain());
    }
}
