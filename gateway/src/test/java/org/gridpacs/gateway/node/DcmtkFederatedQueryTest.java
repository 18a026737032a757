package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DCMTK {@code findscu} as a local workstation (K-PACS style) against site A's gateway AE: studies of site A and
 * of site B (over mutual TLS between the gateways, each site with its own CA) in one answer; site B stopped, A's
 * studies and a warning naming B.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ProcessTest
class DcmtkFederatedQueryTest {
    @TempDir
    Path tmp;
    FederationSite a;
    FederationSite b;
    final String studyA = Implementation.newUID();
    final String studyB = Implementation.newUID();

    @BeforeEach
    void sites() throws Exception {
        Dcmtk.require();
        a = new FederationSite(tmp.resolve("a"), "SITE-A", "FEDERATION");
        b = new FederationSite(tmp.resolve("b"), "SITE-B", "FED-B");
        a.trust(b);
        b.trust(a);
        b.configure(FederationSite.remote("a", a, 1, "query", "none"));
        b.start();
        b.store(FederatedQueryTest.ct("B-1", "HOSP-B", studyB));
        a.configure(FederationSite.remote("b", b, b.federationPort(), "none", "query")
                + "federation.query.timeout-seconds = 10\n"); // B's first answer on a loaded machine
        a.start();
        a.store(FederatedQueryTest.ct("A-1", "HOSP-A", studyA));
    }

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private Dcmtk.Result findscu(String verbosity) throws Exception {
        return Dcmtk.run(60, "findscu", verbosity, "-S", "-aet", "VIEWER", "-aec", "FEDERATION", "127.0.0.1",
                String.valueOf(a.node().dicomPort()), "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID",
                "-k", "PatientID", "-k", "IssuerOfPatientID", "-k", "RetrieveAETitle", "-k", "StorageMediaFileSetID");
    }

    @Test
    void findscuFindsTheStudiesOfBothSites() throws Exception {
        Dcmtk.Result r = findscu("-v");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains(studyA) && r.output().contains(studyB), r.output());
        assertTrue(r.output().contains("[FED-B"), "B's study says where it is held: " + r.output());
        assertTrue(r.output().contains("[HOSP-B]"), "Issuer of Patient ID kept: " + r.output());
        assertTrue(r.output().contains("Final Find Response (Success)"), r.output());
    }

    @Test
    void findscuSeesAWarningWithOurStudiesWhenSiteBIsDown() throws Exception {
        b.stop();
        // -d: findscu prints the final response's Error Comment only in its debug output
        Dcmtk.Result r = findscu("-d");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains(studyA), r.output());
        assertFalse(r.output().contains(studyB), r.output());
        assertTrue(r.output().contains("SITE-B"), "the error comment names the site: " + r.output());
        // PS3.4 defines no C-FIND warning: findscu's DIMSE dump classes 0xB000 as a warning all the same
        assertTrue(r.output().matches("(?s).*DIMSE Status\\s*: 0xb000: Warning.*"), r.output());
        assertTrue(r.output().contains("[partial answer, missing SITE-B]"), r.output());
    }
}
