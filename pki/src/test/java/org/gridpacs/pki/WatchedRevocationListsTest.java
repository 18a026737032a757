package org.gridpacs.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several CAs' lists: per issuer, absent lists, changes seen without a restart, failing closed. */
class WatchedRevocationListsTest {
    @TempDir
    Path tmp;

    @Test
    void listsAreReadPerIssuerAndFailClosed() throws Exception {
        TestPki a = TestPki.create("CA A");
        TestPki b = TestPki.create("CA B");
        TestPki stranger = TestPki.create("CA C");
        IssuedCertificate a1 = a.peer("a1");
        IssuedCertificate b1 = b.peer("b1");
        Path aList = tmp.resolve("a.pem");
        Path bList = tmp.resolve("b.pem"); // absent: B revoked nothing
        RevocationLists.write(a.ca().revocationList(Map.of(a1.certificate().getSerialNumber(), Instant.now()),
                BigInteger.ONE, Instant.now().plusSeconds(3600)), aList);
        WatchedRevocationLists lists = new WatchedRevocationLists("test CRL", List.of(aList, bList),
                List.of(a.ca().certificate(), b.ca().certificate()));
        AtomicInteger changes = new AtomicInteger();
        lists.onChange(changes::incrementAndGet);

        assertTrue(lists.refusal(a1.certificate()).contains("is revoked by the test CRL " + aList));
        assertNull(lists.refusal(b1.certificate()));
        assertNull(lists.refusal(a.peer("a2").certificate()));
        // B's list names a serial equal to a1's: it does not revoke A's certificate (another issuer)
        RevocationLists.write(b.ca().revocationList(Map.of(a1.certificate().getSerialNumber(), Instant.now(),
                b1.certificate().getSerialNumber(), Instant.now()), BigInteger.ONE, Instant.now().plusSeconds(3600)), bList);
        Thread.sleep(1_100);
        assertTrue(lists.revokes(b1.certificate()));
        assertEquals(1, changes.get());
        assertNull(lists.refusal(a.peer("a3").certificate()));

        // a list signed by a CA not trusted: everyone refused
        RevocationLists.write(stranger.ca().revocationList(Map.of(), BigInteger.ONE, Instant.now().plusSeconds(3600)),
                bList);
        Thread.sleep(1_100);
        assertTrue(lists.refusal(a.peer("a4").certificate()).contains("not signed by a trusted CA"));
        assertTrue(lists.failure() != null);

        // an expired list (past its next update): everyone refused
        RevocationLists.write(b.ca().revocationList(Map.of(), BigInteger.TWO, Instant.now().minusSeconds(1)), bList);
        Thread.sleep(1_100);
        assertTrue(lists.refusal(a.peer("a5").certificate()).contains("expired"), lists.failure());

        // gone: nothing revoked by B any more, A's list still holds
        Files.delete(bList);
        Thread.sleep(1_100);
        assertNull(lists.failure());
        assertFalse(lists.revokes(b1.certificate()));
        assertTrue(lists.revokes(a1.certificate()));
    }
}
