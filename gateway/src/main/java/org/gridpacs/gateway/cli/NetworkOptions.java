package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.Tls;

import picocli.CommandLine.Option;

/** Options shared by every networking subcommand, requestor or acceptor: PDU size and TLS. */
public final class NetworkOptions {

    @Option(names = "--max-pdu", paramLabel = "BYTES", defaultValue = "65536",
            description = "Maximum PDU length we receive, announced to the peer (default: ${DEFAULT-VALUE}).")
    int maxPdu;

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "PKCS#12 (or .jks) key store with our private key and certificate; enables TLS.")
    Path tlsKeyStore;

    @Option(names = "--tls-truststore", paramLabel = "FILE",
            description = "PKCS#12 (or .jks) trust store with the CA certificates we accept; enables TLS. "
                    + "A receiver given a trust store requires client certificates.")
    Path tlsTrustStore;

    @Option(names = "--tls-password", paramLabel = "PASSWORD", defaultValue = "${env:PACS_TLS_PASSWORD}",
            description = "Password of the key and trust stores (default: environment variable PACS_TLS_PASSWORD).")
    String tlsPassword;

    /**
     * The settings for a requestor (SCU): the connect timeout also bounds the wait for the association answer
     * (ARTIM), since both are "the peer does not answer".
     */
    NetworkSettings scuSettings(int connectTimeout, int responseTimeout) throws IOException, GeneralSecurityException {
        checkRange("--connect-timeout", connectTimeout, 0, Integer.MAX_VALUE);
        checkRange("--response-timeout", responseTimeout, 0, Integer.MAX_VALUE);
        NetworkSettings d = NetworkSettings.DEFAULT;
        return settings(d.withTimeouts(connectTimeout, connectTimeout == 0 ? d.artimTimeout() : connectTimeout,
                d.idleTimeout(), responseTimeout), false);
    }

    /** The settings for an acceptor (SCP). */
    NetworkSettings scpSettings() throws IOException, GeneralSecurityException {
        return settings(NetworkSettings.DEFAULT, true);
    }

    private NetworkSettings settings(NetworkSettings base, boolean server) throws IOException, GeneralSecurityException {
        checkRange("--max-pdu", maxPdu, 4096, 16 * 1024 * 1024);
        NetworkSettings s = base.withMaxPduLength(maxPdu);
        Tls tls = tls(server);
        return tls == null ? s : s.withTls(tls);
    }

    static void checkRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new UsageException(option + " must be between " + min + " and " + max + ", not " + value);
        }
    }

    /** TLS when a key or trust store is given; null for plain TCP. */
    private Tls tls(boolean server) throws IOException, GeneralSecurityException {
        if (tlsKeyStore == null && tlsTrustStore == null) {
            return null;
        }
        char[] pw = tlsPassword == null ? new char[0] : tlsPassword.toCharArray();
        if (server && tlsKeyStore == null) {
            throw new UsageException("a TLS receiver needs --tls-keystore (its own certificate)");
        }
        // either store may be missing: a client without a certificate of its own, or one trusting the JDK's CAs;
        // a receiver asks for client certificates only when it has CAs to check them against
        return Tls.fromKeyStores(tlsKeyStore, pw, tlsTrustStore, pw, server && tlsTrustStore != null);
    }
}
