package org.gridpacs.dose.jobs;

import java.io.IOException;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dose.dicom.DoseInputException;

/**
 * A job's inputs found in the archive: the chosen CT series, read slice by slice (so that a reader may keep only
 * what it needs of each), and the RT Plan when the job calculates one.
 */
public interface JobInputs {

    /** Takes one CT slice. */
    @FunctionalInterface
    interface SliceConsumer {
        void accept(DataSet slice) throws DoseInputException;
    }

    /** The CT series' Series Instance UID. */
    String ctSeriesUid();

    /** How many CT instances the series has. */
    int ctCount();

    /** Reads the CT instances one by one, in the index's order (any slice order), into {@code consumer}. */
    void readCt(SliceConsumer consumer) throws IOException, DoseInputException;

    /** The RT Plan's data set, or null for a beam description. */
    DataSet plan();
}
