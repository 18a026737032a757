package org.gridpacs.dose.jobs;

import java.io.IOException;
import java.util.List;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dose.dicom.DoseInputException;

/** A job's inputs read from the archive: the chosen CT series' instances and the plan, if any. */
record ArchiveJobInputs(ArchiveInputs archive, String ctSeriesUid, List<IndexedInstance> ct, DataSet plan)
        implements JobInputs {

    @Override
    public int ctCount() {
        return ct.size();
    }

    @Override
    public void readCt(SliceConsumer consumer) throws IOException, DoseInputException {
        for (IndexedInstance i : ct) {
            DataSet slice;
            try {
                slice = archive.read(i);
            } catch (IOException e) {
                throw new IOException("cannot read CT instance " + i.sopInstanceUID() + ": " + e.getMessage(), e);
            }
            consumer.accept(slice);
        }
    }
}
