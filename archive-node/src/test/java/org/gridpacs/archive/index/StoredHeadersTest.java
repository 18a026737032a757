package org.gridpacs.archive.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredHeadersTest {
    @TempDir
    Path dir;
    IndexDatabase db;
    StoredHeaders headers;
    // more instances per series than a batch of headers, series numbers the reverse of the order of indexing
    final TestInstances.Study study = new TestInstances.Study("P1", "Doe^Jane", null, "1.2.3", null, null, null, null,
            List.of("CT", "CT"), StoredHeaders.BATCH + 3);

    @BeforeEach
    void open() throws Exception {
        db = IndexDatabase.openH2(dir);
        headers = new StoredHeaders(db);
        TestInstances.insert(new SqlInstanceIndex(db), study);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void everyInstanceOfAStudyInSeriesAndInstanceNumberOrderWithItsHeader() throws Exception {
        List<String> seen = new ArrayList<>();
        long n = headers.forEach("1.2.3", null, null, r -> {
            assertEquals(r.sopInstanceUID(), r.header().getString(Tag.SOPInstanceUID));
            assertEquals(TestInstances.TS, r.transferSyntaxUID());
            seen.add(r.sopInstanceUID());
        });
        List<String> expected = study.instances().stream().map(d -> d.getString(Tag.SOPInstanceUID)).toList();
        assertEquals(expected.size(), n);
        assertEquals(expected, seen);

        List<String> one = new ArrayList<>();
        assertEquals(1, headers.forEach("1.2.3", study.seriesUID(1), study.sopUID(1, 3), r -> one.add(r.sopInstanceUID())));
        assertEquals(List.of(study.sopUID(1, 3)), one);
        assertEquals(StoredHeaders.BATCH + 3, headers.forEach("1.2.3", study.seriesUID(0), null, r -> { }));
    }

    @Test
    void whatIsMissingNamesTheFirstUnknownUid() throws Exception {
        assertEquals("no study 9.9", headers.whatIsMissing("9.9", null, null));
        assertEquals("no series 9.9 in study 1.2.3", headers.whatIsMissing("1.2.3", "9.9", null));
        assertEquals("no instance 9.9 in series " + study.seriesUID(0) + " of study 1.2.3",
                headers.whatIsMissing("1.2.3", study.seriesUID(0), "9.9"));
        assertNull(headers.whatIsMissing("1.2.3", study.seriesUID(0), study.sopUID(0, 0)));
        assertEquals(0, headers.forEach("9.9", null, null, r -> { }));
    }

    @Test
    void anIoErrorOfTheVisitorEndsTheReadingAndIsRethrown() {
        int[] visits = {0};
        IOException e = assertThrows(IOException.class, () -> headers.forEach("1.2.3", null, null, r -> {
            if (++visits[0] == 3) {
                throw new IOException("client gone");
            }
        }));
        assertEquals("client gone", e.getMessage());
        assertEquals(3, visits[0]);
    }
}
