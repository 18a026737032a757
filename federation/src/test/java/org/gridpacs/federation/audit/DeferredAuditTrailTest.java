package org.gridpacs.federation.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeferredAuditTrailTest {
    @TempDir
    Path dir;

    @Test
    void recordReturnsBeforeTheTargetHasWrittenAndCloseWritesEverythingInOrder() throws Exception {
        CountDownLatch slowDisk = new CountDownLatch(1);
        List<AuditMessage> written = new CopyOnWriteArrayList<>();
        AuditTrail slow = m -> {
            try {
                slowDisk.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.add(m);
        };
        AuditMessages messages = Samples.messages();
        DeferredAuditTrail deferred = new DeferredAuditTrail(slow, "test-audit");
        for (int i = 0; i < 20; i++) {
            deferred.record(Samples.transfer(messages, i, 1)); // would block here if not deferred
        }
        assertTrue(written.isEmpty(), "nothing written while the target is held up");
        slowDisk.countDown();
        deferred.close();
        assertEquals(20, written.size(), "a clean close loses nothing");
        for (int i = 0; i < 20; i++) {
            String patient = "P" + i;
            assertTrue(written.get(i).objects().stream().anyMatch(o -> patient.equals(o.id())),
                    "in the order handed over: " + i);
        }
        // after close: recorded at once, on the caller's thread
        deferred.record(Samples.transfer(messages, 99, 1));
        assertEquals(21, written.size());
    }

    @Test
    void theNodesTrailDrainsItsDeferredMessagesIntoTheLogBeforeClosingIt() throws Exception {
        AuditTrails trails = AuditTrails.open(dir.resolve("missing-audit.properties"), dir);
        AuditMessages messages = Samples.messages();
        AuditTrail deferred = trails.deferred();
        assertTrue(deferred instanceof DeferredAuditTrail);
        for (int i = 0; i < 50; i++) {
            deferred.record(Samples.transfer(messages, i, 2));
        }
        trails.close();
        List<AuditRecord> records = AuditLogReader.readAll(dir.resolve("audit"));
        assertEquals(50, records.size());
        assertEquals(AuditEvent.INSTANCES_TRANSFERRED, records.get(49).message().event());
    }

    @Test
    void flushWaitsUntilWhatWasHandedOverIsWritten() throws Exception {
        try (AuditLog log = new AuditLog(dir.resolve("log"), 1 << 20, 0, true);
             DeferredAuditTrail deferred = new DeferredAuditTrail(log, "test-audit")) {
            for (int i = 0; i < 5; i++) {
                deferred.record(Samples.transfer(Samples.messages(), i, 1));
            }
            assertTrue(deferred.flush(10_000));
            assertEquals(5, AuditLogReader.readAll(dir.resolve("log")).size());
        }
    }
}
