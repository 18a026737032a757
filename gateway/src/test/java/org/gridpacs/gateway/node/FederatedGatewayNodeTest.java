package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.net.pdu.RoleSelection;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The federation gateway as a node wires it (ArchiveNode, FederationGateway): a workstation's C-GET to site A's
 * gateway AE for a study only site B holds is relayed from B over mutual TLS and arrives element by element as B
 * serves it from its own AE; the same study asked of A's own AE (PACS, local only) finds nothing.
 */
@Timeout(120)
class FederatedGatewayNodeTest {
    @TempDir
    Path tmp;
    private FederationSite a;
    private FederationSite b;

    @AfterEach
    void stop() {
        for (FederationSite s : new FederationSite[] {a, b}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Test
    void aCGetToTheGatewayBringsAStudyOnlyTheOtherSiteHolds() throws Exception {
        a = new FederationSite(tmp.resolve("a"), "SITE-A", "FEDERATION");
        b = new FederationSite(tmp.resolve("b"), "SITE-B", "FED-B");
        a.trust(b);
        b.trust(a);
        b.configure(FederationSite.remote("a", a, 1, "query, retrieve", "none"));
        b.start();
        String study = Implementation.newUID();
        String series = Implementation.newUID();
        Map<String, DataSet> atB = new ConcurrentHashMap<>();
        List<DataSet> instances = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            DataSet ds = SyntheticInstances.ct("B-42", study, series, i, i);
            instances.add(ds);
            atB.put(ds.getString(Tag.SOPInstanceUID), ds);
        }
        b.store(instances.toArray(DataSet[]::new));
        a.configure(FederationSite.remote("b", b, b.federationPort(), "none", "query, retrieve"));
        a.start();

        Map<String, DataSet> fromB = new ConcurrentHashMap<>();
        DimseResponse direct = get(b, "PACS", study, fromB);
        assertEquals(6, direct.completed(), "site B's own AE: " + direct.describe());
        assertEquals(atB.keySet(), fromB.keySet());

        Map<String, DataSet> relayed = new ConcurrentHashMap<>();
        DimseResponse last = get(a, "FEDERATION", study, relayed);
        assertEquals(Status.SUCCESS, last.status(), last.describe());
        assertEquals(6, last.completed(), last.describe());
        assertEquals(fromB.keySet(), relayed.keySet());
        for (String sop : fromB.keySet()) {
            assertEquals(fromB.get(sop), relayed.get(sop), sop + ": element by element as site B serves it");
        }

        Map<String, DataSet> local = new ConcurrentHashMap<>();
        DimseResponse pacs = get(a, "PACS", study, local);
        assertEquals(Status.SUCCESS, pacs.status(), pacs.describe());
        assertEquals(0, pacs.completed(), "site A's own AE knows only site A's studies: " + pacs.describe());
        assertTrue(local.isEmpty());
    }

    /** A Study Root C-GET from VIEWER to {@code called} on the site's node; what arrives, by SOP Instance UID. */
    private static DimseResponse get(FederationSite site, String called, String study, Map<String, DataSet> received)
            throws Exception {
        Services services = new Services().store((request, data) -> {
            DicomInputStream in = new DicomInputStream(data);
            in.setTransferSyntax(TransferSyntax.of(request.transferSyntaxUID()));
            received.put(request.sopInstanceUID(), in.readDataSet());
            return Status.SUCCESS;
        });
        AAssociateRQ rq = new AAssociateRQ("VIEWER", called);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelGet,
                UID.ExplicitVRLittleEndian));
        rq.addPresentationContext(new PresentationContext.RQ(3, UID.CTImageStorage, UID.ExplicitVRLittleEndian));
        rq.userInformation().addRoleSelection(new RoleSelection(UID.CTImageStorage, false, true));
        try (Association as = new Connector(FederationSite.NET).connect("127.0.0.1", site.node().dicomPort(), rq,
                services)) {
            DataSet keys = new DataSet();
            keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
            keys.setString(Tag.StudyInstanceUID, VR.UI, study);
            DimseResponse last = as.get(UID.StudyRootQueryRetrieveInformationModelGet, keys, rsp -> { });
            as.release();
            return last;
        }
    }
}
