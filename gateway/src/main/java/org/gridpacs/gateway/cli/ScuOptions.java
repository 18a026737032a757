package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;

import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Who we call and who we are: the options of every SCU subcommand. */
public final class ScuOptions {

    @Option(names = {"-c", "--connect"}, required = true, paramLabel = "AET@HOST:PORT", converter = Peer.Converter.class,
            description = "The remote application entity: its AE title, host and port.")
    Peer peer;

    @Option(names = {"-b", "--bind"}, paramLabel = "AET", defaultValue = "PACS-CLI", converter = Peer.AETitleConverter.class,
            description = "Our own (calling) AE title (default: ${DEFAULT-VALUE}).")
    String callingAET;

    @Option(names = "--connect-timeout", paramLabel = "MS", defaultValue = "10000",
            description = "Timeout in ms for the TCP connection and the association answer (default: ${DEFAULT-VALUE}).")
    int connectTimeout;

    @Option(names = "--response-timeout", paramLabel = "MS", defaultValue = "0",
            description = "Timeout in ms for each DIMSE response; 0 waits forever (default: ${DEFAULT-VALUE}).")
    int responseTimeout;

    @Mixin
    NetworkOptions network;

    /** A new association request from us to the peer, without presentation contexts yet. */
    AAssociateRQ newRequest() {
        return new AAssociateRQ(callingAET, peer.aet());
    }

    /**
     * Opens the association. Failures to reach the host all read "cannot connect to HOST:PORT: why", whatever
     * the socket layer called them; rejections and timeouts keep the toolkit's messages, which name the peer.
     */
    Association connect(AAssociateRQ rq, Services services) throws IOException, GeneralSecurityException {
        Connector connector = new Connector(network.scuSettings(connectTimeout, responseTimeout));
        try {
            return connector.connect(peer.host(), peer.port(), rq, services);
        } catch (UnknownHostException e) {
            throw new IOException("cannot connect to " + peer.host() + ":" + peer.port() + ": unknown host", e);
        } catch (NoRouteToHostException e) {
            throw new IOException("cannot connect to " + peer.host() + ":" + peer.port() + ": " + e.getMessage(), e);
        }
    }
}
