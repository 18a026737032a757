package org.gridpacs.federation.export;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.StoredHeaders;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.federation.audit.AuditMessages;
import org.gridpacs.federation.audit.AuditTrail;
import org.gridpacs.federation.site.FederationConnector;
import org.gridpacs.federation.site.SiteTls;

/**
 * The exchange's pieces for one node, made from {@code conf/federation.properties}, for the composition root: the
 * sender (started), the forwarding rules (started; subscribe {@link #forwarding()} to the node's store listeners),
 * the federation port's C-STORE SCP ({@link #storeScp()}, with {@link FederatedStoreScp#accept} on the port's
 * policy) and the requests of {@code pacs export} ({@link #exports()}, for the HTTP handler). The index must have
 * been opened with {@link ExportQueue#SCHEMA}.
 */
public final class Exchange implements Closeable {
    private final ExportSender sender;
    private final Forwarding forwarding;
    private final FederatedStoreScp storeScp;
    private final Exports exports;

    private Exchange(ExportSender sender, Forwarding forwarding, FederatedStoreScp storeScp, Exports exports) {
        this.sender = sender;
        this.forwarding = forwarding;
        this.storeScp = storeScp;
        this.exports = exports;
    }

    /**
     * @param federationProperties conf/federation.properties (relative paths in {@code runDir})
     * @param store  the node's store as protocol adapters use it (the notifying one: instances from other sites
     *               are indexed, replicated and heard of like any other)
     */
    public static Exchange start(Path federationProperties, Path runDir, SiteTls tls, NetworkSettings network,
                                 IndexDatabase db, RetrieveService retrieve, InstanceStore store, AuditMessages audit,
                                 AuditTrail trail) throws IOException {
        ExportSettings settings = ExportSettings.load(federationProperties, runDir, tls.settings());
        ExportQueue queue = new ExportQueue(db);
        StoredHeaders headers = new StoredHeaders(db);
        ExportSender sender = new ExportSender(queue, retrieve, headers, tls.settings(),
                new FederationConnector(tls, network), settings, SiteSecret.loadOrCreate(settings.secretFile()), audit,
                trail).start();
        Forwarding forwarding = new Forwarding(queue, headers, tls.settings(), settings, sender::wake).start();
        return new Exchange(sender, forwarding, new FederatedStoreScp(tls.settings(), store, audit, trail),
                new Exports(queue, tls.settings(), retrieve, sender::wake));
    }

    public Exports exports() {
        return exports;
    }

    public FederatedStoreScp storeScp() {
        return storeScp;
    }

    public Forwarding forwarding() {
        return forwarding;
    }

    @Override
    public void close() {
        forwarding.close();
        sender.close();
    }
}
