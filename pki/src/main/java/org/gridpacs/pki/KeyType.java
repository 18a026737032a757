package org.gridpacs.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;

/** The key pairs this package makes: EC P-256 (fast, small; the default) or RSA 3072 (for peers without EC). */
public enum KeyType {
    EC, RSA;

    private static final SecureRandom RANDOM = new SecureRandom();

    public KeyPair generate() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance(name());
        if (this == EC) {
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        } else {
            // 3072 bits: the RSA size matching a 128-bit security level, like P-256
            g.initialize(3072, RANDOM);
        }
        return g.generateKeyPair();
    }

    /** The signature algorithm a CA with this key signs with. */
    static String signatureAlgorithm(PrivateKey signer) {
        return signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    }
}
