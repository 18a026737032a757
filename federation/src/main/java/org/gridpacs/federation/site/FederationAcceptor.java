package org.gridpacs.federation.site;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;

import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.DicomServer;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.Services;

/**
 * The gateway's federation port: DICOM over mutual TLS, answering to this site's federation AE title only, for the
 * calling AE titles of configured remote sites only, each checked against its certificate ({@link SiteTls}).
 * C-ECHO is always answered; the federated services (C-FIND, C-MOVE, C-STORE) are the caller's, as for any
 * {@link DicomServer}: add their abstract syntaxes to {@link #policy} and their handlers to the {@link Services}.
 * A handler finds the calling site with {@link FederationSettings#remoteByAeTitle} and checks
 * {@link RemoteSite#mayHere}.
 */
public final class FederationAcceptor implements Closeable {
    private final DicomServer server;

    private FederationAcceptor(DicomServer server) {
        this.server = server;
    }

    /** The acceptance policy for {@code settings}: our AE title, the remote sites' AE titles, Verification. */
    public static AcceptPolicy policy(FederationSettings settings) {
        return new AcceptPolicy(settings.aeTitle())
                .callingAETitles(ae -> settings.remoteByAeTitle(ae).isPresent())
                .accept(UID.Verification, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian);
    }

    /**
     * Listens on {@code settings}' bind address and port with {@code policy} (from {@link #policy}, perhaps with
     * more services) and {@code services}.
     */
    public static FederationAcceptor start(SiteTls tls, NetworkSettings network, AcceptPolicy policy, Services services)
            throws IOException {
        FederationSettings s = tls.settings();
        DicomServer server = new DicomServer(network.withTls(tls.acceptorTls()), policy, services);
        server.start(InetAddress.getByName(s.bindAddress()), s.port());
        return new FederationAcceptor(server);
    }

    /** The same, answering C-ECHO only (until the federated services exist). */
    public static FederationAcceptor start(SiteTls tls, NetworkSettings network) throws IOException {
        return start(tls, network, policy(tls.settings()), new Services());
    }

    /** The port listened on (the configured one, or the system's choice for 0). */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
