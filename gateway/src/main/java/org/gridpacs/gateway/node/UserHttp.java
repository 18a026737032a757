package org.gridpacs.gateway.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;

import org.gridpacs.http.HttpAccess;
import org.gridpacs.http.NodeHttpServer;
import org.gridpacs.http.SiteCertificates;
import org.gridpacs.http.TlsConnectors;
import org.gridpacs.http.auth.UserAccounts;

/**
 * The node's user HTTP entry as conf/node.properties sets it (http.access, http.bindAddress, http.tls.*,
 * http.sessionIdleMinutes; see the comments there):
 * <ul>
 * <li>loopback (the default): plain HTTP on 127.0.0.1 (or on dicom.bindAddress when that is a loopback address),
 * no login;</li>
 * <li>network: HTTPS with the site certificate (conf/http-tls, made by {@code pacs http-cert}) on
 * {@code bindAddress}, login required.</li>
 * </ul>
 */
public record UserHttp(HttpAccess access, String bindAddress, int port, Path keyStore, Path keyStorePasswordFile,
                       Duration sessionIdleTimeout) {

    /** The HTTP service for this entry, accounts set, routes still to add, not started. */
    public NodeHttpServer newServer(UserAccounts accounts) throws IOException {
        NodeHttpServer.ConnectorFactory connectors = NodeHttpServer.PLAIN;
        if (access == HttpAccess.NETWORK) {
            if (!Files.exists(keyStore)) {
                throw new IOException("http.access = network needs the site certificate for HTTPS, and " + keyStore
                        + " does not exist: make it with `scripts/pacs http-cert --host NAME` (or put the site's own "
                        + "key store there, http.tls.keyStore)");
            }
            try {
                connectors = TlsConnectors.server(SiteCertificates.serverContext(keyStore, keyStorePasswordFile));
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot use the site certificate " + keyStore + ": " + e.getMessage(), e);
            }
        }
        return new NodeHttpServer(bindAddress, port, connectors).access(access).users(accounts)
                .sessionIdleTimeout(sessionIdleTimeout);
    }

    /** The same on another port (a cluster member's, from conf/cluster.properties). */
    public UserHttp withPort(int otherPort) {
        return new UserHttp(access, bindAddress, otherPort, keyStore, keyStorePasswordFile, sessionIdleTimeout);
    }

    /** A DICOM address on loopback (127.0.0.5 for a test cluster on one machine) is the HTTP one too. */
    private static boolean isLoopback(String address) {
        try {
            return java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    static UserHttp read(Settings s, String dicomBindAddress, Path confDir) {
        HttpAccess access = HttpAccess.parse(s.text("http.access", "loopback"));
        String conf = confDir.toAbsolutePath().toString();
        return new UserHttp(access,
                s.text("http.bindAddress", access == HttpAccess.NETWORK || isLoopback(dicomBindAddress)
                        ? dicomBindAddress : "127.0.0.1"),
                s.integer("http.port", 8080, 0, 65535),
                Path.of(s.text("http.tls.keyStore", "${conf}/http-tls/" + SiteCertificates.KEY_STORE).replace("${conf}", conf)),
                Path.of(s.text("http.tls.keyStorePasswordFile", "${conf}/http-tls/" + SiteCertificates.PASSWORD_FILE)
                        .replace("${conf}", conf)),
                Duration.ofMinutes(s.integer("http.sessionIdleMinutes", 30, 1, 24 * 60)));
    }
}
