package org.gridpacs.replication.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.gridpacs.archive.index.CopyCatalog.CopyRecord;
import org.gridpacs.archive.index.IndexedInstance;
import org.junit.jupiter.api.Test;

class AnnouncementCodecTest {

    private static byte[] encode(List<Announcement> batch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AnnouncementCodec.write(batch, out);
        return out.toByteArray();
    }

    @Test
    void roundTrip() throws IOException {
        byte[] header = {1, 2, 3, 4, 5};
        List<Announcement> batch = List.of(
                Announcement.copy(new CopyRecord("1.2.3", "1.2", "1.2.840.10008.1.2.1", "MODALITY", header,
                        new IndexedInstance.Location("node1", "2026/11/21/ab/cd.dcm", 12345, "crc32c:0badcafe", "OK"),
                        java.time.Instant.parse("2026-12-07T04:00:00.123456Z"))),
                Announcement.copy(new CopyRecord("1.2.4", "1.2", "1.2.840.10008.1.2", null, new byte[0],
                        new IndexedInstance.Location("node2", "k", 0, null, "OK"))),
                Announcement.drop("1.2.5", "node1", "old-key"));
        List<Announcement> back = AnnouncementCodec.read(new ByteArrayInputStream(encode(batch)));
        assertEquals(3, back.size());
        CopyRecord r = back.get(0).copy();
        assertEquals("1.2.3", r.sopInstanceUID());
        assertEquals("MODALITY", r.sourceAETitle());
        assertArrayEquals(header, r.encodedHeader());
        assertEquals(batch.get(0).copy().location(), r.location());
        assertEquals(java.time.Instant.parse("2026-12-07T04:00:00.123456Z"), r.received(),
                "when the cluster first received the object travels with it");
        assertNull(back.get(1).copy().received());
        assertNull(back.get(1).copy().sourceAETitle());
        assertNull(back.get(1).copy().location().checksum());
        assertEquals(Announcement.Kind.DROP, back.get(2).kind());
        assertEquals("old-key", back.get(2).storageKey());
    }

    @Test
    void truncatedOrGarbageBatchesAreRefused() throws IOException {
        byte[] good = encode(List.of(Announcement.drop("1.2.5", "node1", "k")));
        assertThrows(IOException.class, () -> AnnouncementCodec.read(new ByteArrayInputStream(
                Arrays.copyOf(good, good.length - 1))));
        byte[] wrongVersion = good.clone();
        wrongVersion[0] = 9;
        assertThrows(IOException.class, () -> AnnouncementCodec.read(new ByteArrayInputStream(wrongVersion)));
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[random.nextInt(64)];
            random.nextBytes(junk);
            if (junk.length > 0) {
                junk[0] = 1;
            }
            try {
                AnnouncementCodec.read(new ByteArrayInputStream(junk));
            } catch (IOException expected) {
                // refused with a reason: fine; never anything else (no OutOfMemoryError on a huge length)
            }
        }
    }
}
