package org.gridpacs.federation.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.federation.audit.AuditEvent;
import org.gridpacs.federation.audit.AuditMessage;
import org.gridpacs.federation.audit.ParticipantObject;
import org.gridpacs.federation.deid.DeidentificationOptions;
import org.gridpacs.federation.deid.ProfileCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Site A exports a study to site B over real mutual TLS sockets (each site its own CA): de-identified and checked
 * against Table E.1-1 at arrival, references kept; B down, then back; the sender killed mid-export and resumed;
 * a site without send permission refused and audited.
 */
class ExchangeTest {
    @TempDir
    Path tmp;

    /** Ends the sender's thread on the spot, as a kill would: nothing after it runs. */
    private static final class SimulatedKill extends Error {
        SimulatedKill() {
            super("simulated kill of the sender", null, false, false);
        }
    }

    private static Export await(ExportQueue q, long id, Predicate<Export> until, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        Export e = q.get(id).orElseThrow();
        while (!until.test(e)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("export " + id + " did not get there in " + timeout + ": " + e);
            }
            Thread.sleep(50);
            e = q.get(id).orElseThrow();
        }
        return e;
    }

    private static Exports exports(TwoSites s) {
        return new Exports(s.queue, s.aSettings, s.aRetrieve, () -> {
            if (s.sender != null) {
                s.sender.wake();
            }
        });
    }

    private static DataSet bySopClass(List<DataSet> all, String sopClass) {
        return all.stream().filter(d -> sopClass.equals(d.getString(Tag.SOPClassUID))).findFirst().orElseThrow();
    }

    @Test
    void aDeidentifiedExportArrivesWithNoIdentifierLeftAndItsReferencesKept() throws Exception {
        RtStudy study = RtStudy.load();
        try (TwoSites s = new TwoSites(tmp, "send", "")) {
            study.storeInto(s.aStore);
            s.startB();
            s.sender = s.newSender().start();
            Export queued = exports(s).request(study.studyUid(), "SITE-B", "basic");
            Export e = await(s.queue, queued.id(), x -> x.state() == ExportState.DONE, Duration.ofSeconds(30));
            assertEquals(4, e.sent());
            assertEquals(4, e.total());
            assertNotNull(e.sentStudyUid());
            assertNotEquals(study.studyUid(), e.sentStudyUid());

            List<DataSet> got = s.bStudy(e.sentStudyUid());
            assertEquals(4, got.size());
            assertEquals(4, s.bInstances(), "nothing under the original study");
            for (DataSet original : study.all()) {
                DataSet arrived = bySopClass(got, original.getString(Tag.SOPClassUID));
                List<String> problems = ProfileCheck.problems(original, arrived, DeidentificationOptions.BASIC);
                assertTrue(problems.isEmpty(), String.join("\n", problems));
                assertEquals("YES", arrived.getString(Tag.PatientIdentityRemoved));
                assertFalse(arrived.toString().contains("HOUSE"), "referring physician");
                assertFalse(arrived.toString().contains("Elsewhere"), "institution");
            }
            DataSet c = bySopClass(got, UID.CTImageStorage);
            DataSet st = bySopClass(got, UID.RTStructureSetStorage);
            DataSet p = bySopClass(got, UID.RTPlanStorage);
            DataSet d = bySopClass(got, UID.RTDoseStorage);
            DataSet refStudy = st.getItem(Tag.ReferencedFrameOfReferenceSequence).getItem(Tag.RTReferencedStudySequence);
            assertEquals(e.sentStudyUid(), refStudy.getString(Tag.ReferencedSOPInstanceUID));
            assertEquals(c.getString(Tag.SOPInstanceUID), refStudy.getItem(Tag.RTReferencedSeriesSequence)
                    .getItem(Tag.ContourImageSequence).getString(Tag.ReferencedSOPInstanceUID), "contour image -> CT");
            assertEquals(st.getString(Tag.SOPInstanceUID),
                    p.getItem(Tag.ReferencedStructureSetSequence).getString(Tag.ReferencedSOPInstanceUID), "plan -> RTSS");
            assertEquals(p.getString(Tag.SOPInstanceUID),
                    d.getItem(Tag.ReferencedRTPlanSequence).getString(Tag.ReferencedSOPInstanceUID), "dose -> plan");
            assertEquals(c.getString(Tag.FrameOfReferenceUID), d.getString(Tag.FrameOfReferenceUID));

            // one Export message, saying the study went de-identified and under which UID
            List<AuditMessage> exports = s.aAudit.stream().filter(m -> m.event() == AuditEvent.EXPORT).toList();
            assertEquals(1, exports.size(), s.aAudit.toString());
            ParticipantObject po = exports.get(0).studies().get(0);
            assertEquals(study.studyUid(), po.id());
            assertEquals(Boolean.TRUE, po.anonymized());
            assertTrue(po.details().stream().anyMatch(x -> x.type().equals(ParticipantObject.DETAIL_DEIDENTIFIED_STUDY)
                    && x.value().equals(e.sentStudyUid())), po.details().toString());
            assertEquals(4, po.sopClasses().stream().mapToInt(ParticipantObject.SopClassCount::instances).sum());
        }
    }

    @Test
    void whileTheSiteIsDownTheExportWaitsAndIsDeliveredOnceWhenItReturns() throws Exception {
        RtStudy study = RtStudy.load();
        try (TwoSites s = new TwoSites(tmp, "send", "")) {
            study.storeInto(s.aStore);
            s.sender = s.newSender().start();
            Export e = exports(s).request(study.studyUid(), "SITE-B", null);
            Export waiting = await(s.queue, e.id(), x -> x.attempts() >= 2, Duration.ofSeconds(20));
            assertEquals(ExportState.QUEUED, waiting.state());
            assertNotNull(waiting.lastError());
            assertEquals(0, waiting.sent());

            s.startB();
            Export done = await(s.queue, e.id(), x -> x.state() == ExportState.DONE, Duration.ofSeconds(30));
            assertEquals(4, done.sent());
            assertEquals(4, s.bInstances());
            assertEquals(4, s.bStores.size(), "each instance sent once");
            assertEquals(4, s.bStudy(study.studyUid()).size(), "without de-identification: the original UIDs");
        }
    }

    @Test
    void aSenderKilledMidExportResumesWithoutASecondCopy() throws Exception {
        RtStudy study = RtStudy.load();
        try (TwoSites s = new TwoSites(tmp, "send", "")) {
            study.storeInto(s.aStore);
            s.startB();
            ExportSender first = s.newSender();
            AtomicInteger acks = new AtomicInteger();
            // killed after B acknowledged the second instance and before A recorded it: the worst moment
            first.afterStore = (x, sop) -> {
                if (acks.incrementAndGet() == 2) {
                    throw new SimulatedKill();
                }
            };
            Export e = exports(s).request(study.studyUid(), "SITE-B", "basic+full-dates");
            first.start();
            Export stuck = await(s.queue, e.id(), x -> acks.get() >= 2, Duration.ofSeconds(30));
            Thread.sleep(200);
            stuck = s.queue.get(e.id()).orElseThrow();
            assertEquals(ExportState.SENDING, stuck.state());
            assertEquals(1, stuck.sent());
            first.close();
            // the node restarts: its index opened again, a new sender
            s.aDb.close();
            s.openA();
            s.sender = s.newSender().start();
            Export done = await(s.queue, e.id(), x -> x.state() == ExportState.DONE, Duration.ofSeconds(30));
            assertEquals(4, done.sent());
            assertEquals(4, s.bInstances(), "four instances at B, no second copy");
            long again = s.bStores.stream().filter(r -> r.outcome() == StoreResult.Outcome.ALREADY_STORED).count();
            assertTrue(again >= 1, "the one acknowledged but not recorded went again: " + s.bStores.size());
            assertEquals(4 + again, s.bStores.size(), "every resend was the same object under the same UID: already"
                    + " stored, nothing else");
        }
    }

    @Test
    void aSiteThatMayNotSendHereIsRefusedAndAudited() throws Exception {
        RtStudy study = RtStudy.load();
        try (TwoSites s = new TwoSites(tmp, "query", "")) {
            study.storeInto(s.aStore);
            s.startB();
            s.sender = s.newSender().start();
            Export e = exports(s).request(study.studyUid(), "SITE-B", "basic");
            Export failed = await(s.queue, e.id(), x -> x.state() == ExportState.FAILED, Duration.ofSeconds(30));
            assertTrue(failed.lastError().contains("may not send"), failed.lastError());
            assertEquals(0, s.bInstances());
            assertEquals(1, s.bAudit.stream().filter(m -> m.event() == AuditEvent.SECURITY_ALERT).count(),
                    s.bAudit.toString());
            assertEquals(1, s.aAudit.stream().filter(m -> m.event() == AuditEvent.EXPORT).count());
        }
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsQueued() throws Exception {
        RtStudy study = RtStudy.load();
        try (TwoSites s = new TwoSites(tmp, "send",
                TwoSites.remote("c", "SITE-C", "FED-C", 1, "query", "query"))) {
            study.storeInto(s.aStore);
            Exports x = exports(s);
            Exports.Refused r = assertThrows(Exports.Refused.class, () -> x.request(study.studyUid(), "SITE-X", null));
            assertEquals(404, r.httpStatus());
            assertTrue(r.getMessage().contains("unknown site 'SITE-X'"), r.getMessage());
            r = assertThrows(Exports.Refused.class, () -> x.request(study.studyUid(), "SITE-C", null));
            assertEquals(403, r.httpStatus());
            assertTrue(r.getMessage().contains("may not send to SITE-C"), r.getMessage());
            r = assertThrows(Exports.Refused.class, () -> x.request("1.2.3.4", "SITE-B", null));
            assertEquals(404, r.httpStatus());
            assertTrue(r.getMessage().contains("unknown study 1.2.3.4"), r.getMessage());
            r = assertThrows(Exports.Refused.class, () -> x.request(study.studyUid(), "SITE-B", "basic+colour"));
            assertEquals(400, r.httpStatus());
            assertTrue(r.getMessage().contains("'colour'"), r.getMessage());
            assertTrue(s.queue.list(10).isEmpty());
        }
    }
}
