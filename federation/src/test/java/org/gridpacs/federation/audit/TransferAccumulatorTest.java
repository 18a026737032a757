package org.gridpacs.federation.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** One association of many instances gives one audit message, with the counts per study and SOP class. */
class TransferAccumulatorTest {
    private final AuditMessages messages = Samples.messages();

    @Test
    void anAssociationOfManyInstancesGivesOneMessage() throws Exception {
        TransferAccumulator acc = messages.transfer(Samples.SITE_B, Samples.SITE_A, 'R');
        // four threads, as a relayed C-MOVE's retrieving and forwarding threads may add
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.submit(() -> {
                for (int i = 0; i < 500; i++) {
                    acc.add("PID-1", "DOE^JOHN", i % 2 == 0 ? "1.2.3.1" : "1.2.3.2", null,
                            i % 10 == 0 ? Samples.RT_PLAN : Samples.CT);
                }
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        List<AuditMessage> out = new ArrayList<>();
        acc.finish(null, out::add);
        assertEquals(1, out.size());
        AuditMessage m = out.get(0);
        assertEquals(Outcome.SUCCESS, m.outcome());
        assertEquals(2, m.studies().size());
        assertEquals(2000, m.studies().stream().mapToInt(ParticipantObject::instances).sum());
        ParticipantObject first = m.studies().get(0);
        assertEquals("1.2.3.1", first.id());
        assertEquals(List.of(new ParticipantObject.SopClassCount(Samples.RT_PLAN, 200),
                new ParticipantObject.SopClassCount(Samples.CT, 800)), first.sopClasses());
        assertEquals("PID-1", m.patient().orElseThrow().id());
        assertThrows(IllegalStateException.class, () -> acc.add("PID-1", null, "1.2.3.1", null, Samples.CT),
                "a finished transfer takes no more instances");
    }

    @Test
    void aTransferOfTwoPatientsGivesOneMessageEachButAnExportOne() {
        TransferAccumulator transfer = messages.transfer(Samples.SITE_B, Samples.SITE_A, 'R');
        TransferAccumulator export = messages.export(Samples.SITE_A, Samples.SITE_B);
        for (TransferAccumulator acc : List.of(transfer, export)) {
            acc.add("P1", null, "1.1", null, Samples.CT);
            acc.add("P2", null, "2.2", null, Samples.CT);
        }
        List<AuditMessage> t = transfer.finish(null);
        assertEquals(2, t.size(), "A.5.3.4: one patient per Instances Transferred message");
        assertEquals("P1", t.get(0).patient().orElseThrow().id());
        assertEquals("1.1", t.get(0).studies().get(0).id());
        assertEquals("P2", t.get(1).patient().orElseThrow().id());
        List<AuditMessage> e = export.finish(null);
        assertEquals(1, e.size(), "A.5.3.6: an Export may describe several patients");
        assertEquals(2, e.get(0).studies().size());
    }

    @Test
    void failuresAndAbortsAreTheOutcome() {
        TransferAccumulator some = messages.transfer(Samples.SITE_B, Samples.SITE_A, 'R');
        some.add("P1", null, "1.1", null, Samples.CT);
        some.failed("0xA700 out of resources");
        AuditMessage m = some.finish(null).get(0);
        assertEquals(Outcome.MINOR_FAILURE, m.outcome());
        assertTrue(m.outcomeDescription().contains("1 instances transferred, 1 failed (last: 0xA700 out of resources)"),
                m.outcomeDescription());

        TransferAccumulator none = messages.transfer(Samples.SITE_B, Samples.SITE_A, 'R');
        AuditMessage aborted = none.finish("A-ABORT from PACS_B").get(0);
        assertEquals(Outcome.SERIOUS_FAILURE, aborted.outcome());
        assertTrue(aborted.outcomeDescription().startsWith("aborted: A-ABORT from PACS_B"));
        assertEquals(0, aborted.studies().size());
    }
}
