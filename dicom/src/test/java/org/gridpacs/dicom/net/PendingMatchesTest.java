package org.gridpacs.dicom.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.junit.jupiter.api.Test;

class PendingMatchesTest {
    /** Records each write (a run of matches); cancelled after {@code cancelAfter} writes. */
    static final class Recording implements Handlers.QueryResponder {
        final List<List<String>> writes = new ArrayList<>();
        int cancelAfter = Integer.MAX_VALUE;

        @Override
        public boolean pending(DataSet match) {
            throw new AssertionError("matches go in runs");
        }

        @Override
        public boolean pending(List<DataSet> matches) {
            writes.add(matches.stream().map(m -> m.getString(Tag.PatientID)).toList());
            return !isCancelled();
        }

        @Override
        public boolean isCancelled() {
            return writes.size() >= cancelAfter;
        }
    }

    private static DataSet match(int i) {
        DataSet m = new DataSet();
        m.setString(Tag.PatientID, VR.LO, "P" + i);
        return m;
    }

    @Test
    void matchesGoInFullRunsThenTheRestAtTheFlush() throws Exception {
        Recording r = new Recording();
        PendingMatches matches = new PendingMatches(r);
        for (int i = 0; i < 2 * PendingMatches.RUN + 6; i++) {
            assertTrue(matches.add(match(i)));
        }
        assertEquals(2, r.writes.size(), "two full runs written, the rest held");
        assertTrue(matches.flush());
        assertEquals(List.of(PendingMatches.RUN, PendingMatches.RUN, 6), r.writes.stream().map(List::size).toList());
        List<String> all = r.writes.stream().flatMap(List::stream).toList();
        for (int i = 0; i < all.size(); i++) {
            assertEquals("P" + i, all.get(i), "in order");
        }
        assertTrue(matches.flush(), "nothing left: no empty write");
        assertEquals(3, r.writes.size());
    }

    @Test
    void aCancelStopsTheProducerAtTheNextMatch() throws Exception {
        Recording r = new Recording();
        r.cancelAfter = 1;
        PendingMatches matches = new PendingMatches(r);
        for (int i = 0; i < PendingMatches.RUN - 1; i++) {
            assertTrue(matches.add(match(i)));
        }
        assertFalse(matches.add(match(PendingMatches.RUN - 1)), "the full run went and the requester had cancelled");
        assertFalse(matches.add(match(PendingMatches.RUN)), "held matches report the cancel too");
    }
}
