package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;

import javax.net.ssl.SSLException;

import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PduException;

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
        NetworkSettings settings = network.scuSettings(connectTimeout, responseTimeout);
        String where = peer.host() + ":" + peer.port();
        try {
            return new Connector(settings).connect(peer.host(), peer.port(), rq, services);
        } catch (ConnectException e) {
            throw e; // "cannot connect to HOST:PORT: Connection refused" already
        } catch (UnknownHostException e) {
            throw new IOException("cannot connect to " + where + ": unknown host", e);
        } catch (NoRouteToHostException e) {
            throw new IOException("cannot connect to " + where + ": " + e.getMessage(), e);
        } catch (PduException e) {
            // 0x15/0x16 are TLS alert and handshake records: a TLS port called without TLS
            if (settings.tls() == null && e.getMessage() != null && e.getMessage().matches("unrecognized PDU type 0x1[56]")) {
                throw new IOException(peer + " answered with TLS, not plain DICOM: use --tls-truststore "
                        + "(and --tls-keystore if it wants a client certificate)", e);
            }
            throw e;
        } catch (SSLException | SocketException e) {
            if (settings.tls() == null) {
                throw e;
            }
            // a server that wants a client certificate just drops the connection ("Broken pipe")
            throw new IOException("TLS connection to " + where + " failed: " + e.getMessage()
                    + (network.tlsKeyStore == null ? " (does it require a client certificate? --tls-keystore)" : ""), e);
        }
    }
}
