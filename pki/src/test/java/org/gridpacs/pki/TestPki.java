package org.gridpacs.pki;

import java.security.KeyStore;
import java.time.Duration;
import java.util.List;

/** Test support: a CA and what it issues, as in-memory key stores. */
record TestPki(CertificateAuthority ca) {
    static final char[] PASSWORD = "changeit".toCharArray();

    static TestPki create(String name) throws Exception {
        return new TestPki(CertificateAuthority.create(Certificates.subject("GridPACS test", name), KeyType.EC,
                Duration.ofDays(2)));
    }

    /** A server and client certificate for 127.0.0.1 and localhost. */
    IssuedCertificate peer(String name) throws Exception {
        return ca.issue(request(name));
    }

    static CertificateRequest request(String name) {
        return CertificateRequest.tlsPeer(Certificates.subject("GridPACS test", name), List.of("127.0.0.1", "localhost"),
                Duration.ofDays(1));
    }

    KeyStore trust() throws Exception {
        return KeyStores.trustStore("ca", ca.certificate());
    }
}
