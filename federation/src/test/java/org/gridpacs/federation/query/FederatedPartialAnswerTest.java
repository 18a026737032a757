package org.gridpacs.federation.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site that sends some matches and then stops answering: the gateway answers at its timeout with its own matches
 * and those that came in time (a site's matches are handed on in runs, the run in hand too), and the warning.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FederatedPartialAnswerTest {
    @TempDir
    Path tmp;
    LoopbackSite a;
    LoopbackSite b;
    final CountDownLatch released = new CountDownLatch(1);

    @AfterEach
    void stop() {
        released.countDown();
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private static DataSet match(String study) {
        DataSet m = new DataSet();
        m.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        m.setString(Tag.StudyInstanceUID, VR.UI, study);
        m.setString(Tag.PatientID, VR.LO, "B-" + study.substring(study.length() - 4));
        return m;
    }

    @Test
    void matchesThatCameInTimeAreAnsweredWhenTheSiteIsCutOff() throws Exception {
        QuerySettings settings = new QuerySettings(Duration.ofSeconds(3), Duration.ofSeconds(30));
        a = new LoopbackSite(tmp.resolve("a"), "SITE-A", "FEDERATION", 0);
        b = new LoopbackSite(tmp.resolve("b"), "SITE-B", "FED-B", 0);
        a.trust(b);
        b.trust(a);
        b.start(0, LoopbackSite.remote(a, 1, "query", "none"), -1, Map.of(), settings);
        List<String> fromB = List.of(Implementation.newUID(), Implementation.newUID());
        b.remoteFindInstead = (rq, identifier, responder) -> {
            for (String study : fromB) {
                responder.pending(match(study));
            }
            try {
                released.await(30, TimeUnit.SECONDS); // then nothing more until the test ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        a.start(0, LoopbackSite.remote(b, b.federationPort(), "none", "query"), 0, Map.of(), settings);
        String ours = Implementation.newUID();
        a.store(List.of(SyntheticInstances.ct("A-1", ours, Implementation.newUID(), 1, 1)));

        List<String> studies = new ArrayList<>();
        long t0 = System.nanoTime();
        DimseResponse last = a.findAtGateway(m -> studies.add(m.getString(Tag.StudyInstanceUID)));
        assertEquals(FederatedFindScp.WARNING_PARTIAL, last.status(), last.describe());
        assertTrue(last.errorComment().contains("SITE-B"), last.errorComment());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(millis >= 2900, "answered at the timeout, not before: " + millis + " ms");
        List<String> expected = new ArrayList<>(List.of(ours));
        expected.addAll(fromB);
        assertEquals(expected, studies, "ours, then B's two that came before it stopped answering");
    }
}
