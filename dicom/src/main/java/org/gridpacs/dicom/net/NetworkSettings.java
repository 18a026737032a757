package org.gridpacs.dicom.net;

/**
 * Upper-layer settings shared by SCUs and SCPs. Times are in milliseconds, 0 meaning no limit.
 *
 * @param connectTimeout      how long an SCU waits for the TCP connection
 * @param artimTimeout        ARTIM (PS3.8 9.1.5): how long to wait for A-ASSOCIATE-RQ/AC/RJ or A-RELEASE-RP
 * @param idleTimeout         an established association silent this long is aborted
 * @param responseTimeout     how long an SCU waits for the next response to a request (0: forever)
 * @param maxPduLength        the Maximum Length we announce for the PDUs we receive (0: unlimited)
 * @param maxAssociations     an SCP accepts at most this many associations at once; extras get a transient A-ASSOCIATE-RJ
 * @param socketBufferSize    TCP send and receive buffer size (0: the operating system's)
 * @param tls                 TLS settings, or null for plain TCP
 */
public record NetworkSettings(int connectTimeout, int artimTimeout, int idleTimeout, int responseTimeout,
                              int maxPduLength, int maxAssociations, int socketBufferSize, Tls tls) {

    public static final NetworkSettings DEFAULT =
            new NetworkSettings(10_000, 30_000, 300_000, 0, 65_536, 50, 0, null);

    public NetworkSettings withTls(Tls tls) {
        return new NetworkSettings(connectTimeout, artimTimeout, idleTimeout, responseTimeout, maxPduLength,
                maxAssociations, socketBufferSize, tls);
    }

    public NetworkSettings withMaxAssociations(int n) {
        return new NetworkSettings(connectTimeout, artimTimeout, idleTimeout, responseTimeout, maxPduLength, n,
                socketBufferSize, tls);
    }

    public NetworkSettings withTimeouts(int connectTimeout, int artimTimeout, int idleTimeout, int responseTimeout) {
        return new NetworkSettings(connectTimeout, artimTimeout, idleTimeout, responseTimeout, maxPduLength,
                maxAssociations, socketBufferSize, tls);
    }

    public NetworkSettings withMaxPduLength(int maxPduLength) {
        return new NetworkSettings(connectTimeout, artimTimeout, idleTimeout, responseTimeout, maxPduLength,
                maxAssociations, socketBufferSize, tls);
    }
}
