package org.gridpacs.federation.retrieve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.federation.audit.AuditEvent;
import org.gridpacs.federation.site.FederationConnector;
import org.gridpacs.federation.site.RemoteSite;
import org.gridpacs.federation.site.SiteTls;
import org.gridpacs.federation.site.TrustEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Site B's federation port serving retrieves, called by site A over mutual TLS: who may, and where to. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServedRetrieveTest {
    @TempDir
    Path tmp;
    TwoSites sites;

    @AfterEach
    void stop() {
        if (sites != null) {
            sites.close();
        }
    }

    private DimseResponse moveAtB(String destination) throws Exception {
        FederationConnector asA = new FederationConnector(SiteTls.load(sites.aSettings, TrustEvents.LOG), TwoSites.NET);
        RemoteSite b = sites.aSettings.remote("b").orElseThrow();
        AAssociateRQ rq = asA.request(b);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelMove,
                UID.ExplicitVRLittleEndian));
        try (Association as = asA.connect(b, rq, null)) {
            DimseResponse rsp = as.move(UID.StudyRootQueryRetrieveInformationModelMove, destination, sites.studyKeys(),
                    p -> {
                    });
            as.release();
            return rsp;
        }
    }

    @Test
    void aSiteMayMoveOnlyToItsOwnAe() throws Exception {
        sites = new TwoSites(tmp, "query, retrieve", 2, 32, Map.of());
        DimseResponse rsp = moveAtB("SOMEONE-ELSE");
        assertEquals(Status.MOVE_DESTINATION_UNKNOWN, rsp.status(), rsp.describe());
        assertTrue(rsp.errorComment().contains("own AE"), rsp.errorComment());
    }

    @Test
    void aSiteWithoutRetrieveIsRefusedAndAudited() throws Exception {
        sites = new TwoSites(tmp, "query", 2, 32, Map.of());
        DimseResponse rsp = moveAtB(TwoSites.A_AE);
        assertEquals(Status.NOT_AUTHORIZED, rsp.status(), rsp.describe());
        assertEquals(1, sites.events(sites.auditB, AuditEvent.SECURITY_ALERT).size(), sites.auditB.toString());
    }
}
