package org.gridpacs.archive.index;

import java.nio.file.Path;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;

/**
 * Run by {@link KillDurabilityTest} as a separate process: inserts instances until it is killed, printing
 * "ACK uid" after each insert has returned (committed).
 */
public final class KillChild {
    private KillChild() {
    }

    public static void main(String[] args) throws Exception {
        try (IndexDatabase db = IndexDatabase.openH2(Path.of(args[0]))) {
            SqlInstanceIndex index = new SqlInstanceIndex(db);
            TestInstances.Study study = new TestInstances.Study("KILL", "Kill^Nine", null, "9.9", "20240101", "000000",
                    null, null, List.of("CT"), Integer.MAX_VALUE);
            for (int i = 0; ; i++) {
                DataSet ds = study.instance(0, i);
                index.insert(TestInstances.header(ds), TestInstances.object(ds.getString(Tag.SOPInstanceUID)), "KILL");
                System.out.println("ACK " + ds.getString(Tag.SOPInstanceUID));
                System.out.flush();
            }
        }
    }
}
