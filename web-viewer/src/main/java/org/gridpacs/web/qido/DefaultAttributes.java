package org.gridpacs.web.qido;

import java.util.List;
import java.util.Set;

import org.gridpacs.archive.query.QueryLevel;
import org.gridpacs.dicom.data.Tag;

/**
 * The attributes a QIDO-RS answer holds without being asked (PS3.18 tables 10.6.3-3, -4 and -5), besides
 * Retrieve URL, which {@link QidoResponse} adds. Study attributes all come from index columns; the series and
 * instance tables name a few that only the stored header has (Performed Procedure Step Start Date/Time, Request
 * Attributes Sequence; Rows, Columns, Bits Allocated, Number of Frames).
 */
final class DefaultAttributes {
    private static final List<Integer> STUDY = List.of(Tag.StudyDate, Tag.StudyTime, Tag.AccessionNumber,
            Tag.InstanceAvailability, Tag.ModalitiesInStudy, Tag.ReferringPhysicianName, Tag.PatientName,
            Tag.PatientID, Tag.PatientBirthDate, Tag.PatientSex, Tag.StudyInstanceUID, Tag.StudyID,
            Tag.NumberOfStudyRelatedSeries, Tag.NumberOfStudyRelatedInstances);
    private static final List<Integer> SERIES = List.of(Tag.Modality, Tag.SeriesDescription, Tag.SeriesInstanceUID,
            Tag.SeriesNumber, Tag.NumberOfSeriesRelatedInstances, Tag.PerformedProcedureStepStartDate,
            Tag.PerformedProcedureStepStartTime, Tag.RequestAttributesSequence, Tag.InstanceAvailability);
    private static final List<Integer> INSTANCE = List.of(Tag.SOPClassUID, Tag.SOPInstanceUID,
            Tag.InstanceAvailability, Tag.InstanceNumber, Tag.Rows, Tag.Columns, Tag.BitsAllocated,
            Tag.NumberOfFrames);

    /**
     * Conditional attributes ("C" in the tables: present when the instance has them): left out rather than sent
     * empty. Modalities in Study too: OHIF reads its Value without checking that there is one.
     */
    static final Set<Integer> LEFT_OUT_WHEN_EMPTY = Set.of(Tag.Rows, Tag.Columns, Tag.BitsAllocated,
            Tag.NumberOfFrames, Tag.SpecificCharacterSet, Tag.TimezoneOffsetFromUTC, Tag.ModalitiesInStudy);

    private DefaultAttributes() {
    }

    /** The defaults of one level's table. */
    static List<Integer> of(QueryLevel level) {
        return switch (level) {
            case PATIENT, STUDY -> STUDY;
            case SERIES -> SERIES;
            case IMAGE -> INSTANCE;
        };
    }
}
