package org.gridpacs.dicom.net;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.net.pdu.AAbort;
import org.gridpacs.dicom.net.pdu.AAssociateAC;
import org.gridpacs.dicom.net.pdu.AAssociateRJ;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PDataTF;
import org.gridpacs.dicom.net.pdu.Pdu;
import org.gridpacs.dicom.net.pdu.PduReader;
import org.gridpacs.dicom.net.pdu.PduWriter;
import org.gridpacs.dicom.net.pdu.UserInformation;

/** Opens associations as the requestor (SCU). */
public final class Connector {
    /** Runs handlers of requests that arrive on SCU associations (rare: N-EVENT-REPORT, C-FIND by a peer). */
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dicom-scu-worker");
        t.setDaemon(true);
        return t;
    });

    private final NetworkSettings settings;

    public Connector(NetworkSettings settings) {
        this.settings = settings;
    }

    /**
     * Connects to {@code host:port}, proposes {@code rq} (its user information is completed with our maximum
     * PDU length and implementation identity) and returns the established association. Requests that
     * arrive on it (C-STORE sub-operations of a C-GET) go to {@code services}, which may be null.
     *
     * @throws AssociationRejectedException with the reason when the peer rejects the association
     * @throws ConnectException (or {@link UnknownHostException}, {@link SocketTimeoutException}) when the peer cannot be reached
     */
    public Association connect(String host, int port, AAssociateRQ rq, Services services) throws IOException {
        UserInformation ui = rq.userInformation() != null ? rq.userInformation() : new UserInformation();
        ui.setMaxLength(settings.maxPduLength());
        ui.setImplementationClassUid(Implementation.CLASS_UID);
        ui.setImplementationVersionName(Implementation.VERSION_NAME);
        rq.setUserInformation(ui);

        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            if (settings.socketBufferSize() > 0) {
                socket.setSendBufferSize(settings.socketBufferSize());
                socket.setReceiveBufferSize(settings.socketBufferSize());
            }
            try {
                socket.connect(new InetSocketAddress(host, port), settings.connectTimeout());
            } catch (ConnectException e) {
                throw new ConnectException("cannot connect to " + host + ":" + port + ": " + e.getMessage());
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("no answer from " + host + ":" + port + " within "
                        + settings.connectTimeout() + " ms");
            }
            Socket s = socket;
            if (settings.tls() != null) {
                socket.setSoTimeout(settings.artimTimeout());
                try {
                    s = settings.tls().clientSide(socket, host, port);
                } catch (SSLException e) {
                    throw tlsFailure(host, port, e);
                }
                String refusal = settings.tls().peerRefusal(s, rq.calledAETitle());
                if (refusal != null) {
                    // nothing of ours reaches a peer that is not who we meant to call
                    s.close();
                    throw new javax.net.ssl.SSLPeerUnverifiedException(host + ":" + port + " is not "
                            + rq.calledAETitle() + ": " + refusal);
                }
            }
            s.setSoTimeout(settings.artimTimeout());
            InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            PduReader reader = new PduReader(in);
            Pdu answer;
            try {
                new PduWriter(s.getOutputStream()).write(rq);
                answer = reader.read();
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException(rq.calledAETitle() + " at " + host + ":" + port
                        + " did not answer the association request within " + settings.artimTimeout() + " ms");
            } catch (SSLException e) {
                // TLS 1.3: the server checks our certificate after our side of the handshake is done
                throw tlsFailure(host, port, e);
            } catch (IOException e) {
                if (settings.tls() == null) {
                    throw e;
                }
                // the server may have closed before we read its alert: look for it
                try {
                    s.getInputStream().read();
                } catch (SSLException alert) {
                    throw tlsFailure(host, port, alert);
                } catch (IOException ignored) {
                    // no alert to tell more
                }
                throw new SSLException("TLS connection to " + host + ":" + port + " closed right after the handshake ("
                        + e.getMessage() + "): the peer probably refused our client certificate", e);
            }
            if (answer instanceof AAssociateRJ rj) {
                throw new AssociationRejectedException(rq.calledAETitle() + " at " + host + ":" + port, rj);
            }
            if (answer instanceof AAbort a) {
                throw new IOException(rq.calledAETitle() + " at " + host + ":" + port + " aborted the association request: "
                        + a.describe());
            }
            if (!(answer instanceof AAssociateAC ac)) {
                throw new IOException("unexpected answer to A-ASSOCIATE-RQ from " + host + ":" + port + ": " + answer);
            }
            long peerMax = ac.userInformation().maxLength();
            if (peerMax != 0 && peerMax <= PDataTF.PDV_HEADER_LENGTH) {
                new PduWriter(s.getOutputStream()).write(new AAbort(AAbort.SOURCE_SERVICE_PROVIDER,
                        AAbort.REASON_INVALID_PDU_PARAMETER_VALUE));
                throw new IOException(host + ":" + port + " accepted the association with a maximum PDU length of "
                        + peerMax + ", which leaves no room for data: aborted");
            }
            Association as = new Association(s, true, rq, ac, settings, services, WORKERS, in, s.getOutputStream());
            as.startReader("dicom-" + rq.calledAETitle() + "@" + host + ":" + port);
            return as;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static SSLException tlsFailure(String host, int port, SSLException e) {
        SSLException x = e instanceof SSLHandshakeException
                ? new SSLHandshakeException("TLS handshake with " + host + ":" + port + " failed: " + e.getMessage())
                : new SSLException("TLS with " + host + ":" + port + " failed: " + e.getMessage());
        x.initCause(e);
        return x;
    }
}
