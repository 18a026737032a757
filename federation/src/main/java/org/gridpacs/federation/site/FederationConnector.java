package org.gridpacs.federation.site;

import java.io.IOException;

import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.data.UID;

/**
 * Our gateway calling another site: mutual TLS with this site's certificate, the called site's certificate checked
 * against its configured name and AE title before anything is sent ({@link SiteTls}). Calling AE title: ours.
 */
public final class FederationConnector {
    private final FederationSettings settings;
    private final Connector connector;

    public FederationConnector(SiteTls tls, NetworkSettings network) {
        this.settings = tls.settings();
        this.connector = new Connector(network.withTls(tls.requestorTls()));
    }

    /** A request from our AE title to {@code site}'s, to add presentation contexts to. */
    public AAssociateRQ request(RemoteSite site) {
        return new AAssociateRQ(settings.aeTitle(), site.aeTitle());
    }

    /**
     * Opens an association with {@code site}; requests arriving on it (C-GET's C-STOREs) go to {@code services}
     * (may be null).
     *
     * @throws javax.net.ssl.SSLException when the handshake fails or the site's certificate is not its own
     * @throws org.gridpacs.dicom.net.AssociationRejectedException when the site rejects us
     */
    public Association connect(RemoteSite site, AAssociateRQ rq, Services services) throws IOException {
        if (!rq.calledAETitle().equals(site.aeTitle()) || !rq.callingAETitle().equals(settings.aeTitle())) {
            throw new IllegalArgumentException("a request to " + site + " goes from " + settings.aeTitle() + " to "
                    + site.aeTitle() + ", not " + rq.callingAETitle() + " to " + rq.calledAETitle());
        }
        return connector.connect(site.host(), site.port(), rq, services);
    }

    /** An association for C-ECHO only: checks that {@code site} is reachable and trusted both ways. */
    public Association connectForEcho(RemoteSite site) throws IOException {
        AAssociateRQ rq = request(site);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.Verification, UID.ExplicitVRLittleEndian,
                UID.ImplicitVRLittleEndian));
        return connect(site, rq, null);
    }
}
