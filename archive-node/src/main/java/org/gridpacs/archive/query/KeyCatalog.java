package org.gridpacs.archive.query;

import static org.gridpacs.archive.query.Column.Kind.COUNT;
import static org.gridpacs.archive.query.Column.Kind.DATE;
import static org.gridpacs.archive.query.Column.Kind.INTEGER;
import static org.gridpacs.archive.query.Column.Kind.MODALITIES;
import static org.gridpacs.archive.query.Column.Kind.PERSON_NAME;
import static org.gridpacs.archive.query.Column.Kind.TEXT;
import static org.gridpacs.archive.query.Column.Kind.TIME;
import static org.gridpacs.archive.query.Column.Kind.UID;
import static org.gridpacs.archive.query.QueryLevel.IMAGE;
import static org.gridpacs.archive.query.QueryLevel.PATIENT;
import static org.gridpacs.archive.query.QueryLevel.SERIES;
import static org.gridpacs.archive.query.QueryLevel.STUDY;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.Tag;

/**
 * Which attributes are index columns, under the table aliases p (patient), st (study), se (series) and
 * i (instance). Every other attribute is matched and returned from the stored header.
 */
final class KeyCatalog {
    private static final Map<Integer, Column> COLUMNS = Stream.of(
            new Column(Tag.PatientID, PATIENT, "p.patient_id", TEXT),
            new Column(Tag.IssuerOfPatientID, PATIENT, "p.issuer", TEXT),
            new Column(Tag.PatientName, PATIENT, "p.patient_name", "p.patient_name_norm", PERSON_NAME),
            new Column(Tag.PatientBirthDate, PATIENT, "p.birth_date", DATE),
            new Column(Tag.PatientSex, PATIENT, "p.sex", TEXT),
            new Column(Tag.NumberOfPatientRelatedStudies, PATIENT,
                    "(SELECT COUNT(*) FROM study x WHERE x.patient_fk = p.pk)", COUNT),
            new Column(Tag.NumberOfPatientRelatedSeries, PATIENT,
                    "(SELECT COALESCE(SUM(x.num_series), 0) FROM study x WHERE x.patient_fk = p.pk)", COUNT),
            new Column(Tag.NumberOfPatientRelatedInstances, PATIENT,
                    "(SELECT COALESCE(SUM(x.num_instances), 0) FROM study x WHERE x.patient_fk = p.pk)", COUNT),

            new Column(Tag.StudyInstanceUID, STUDY, "st.study_uid", UID),
            new Column(Tag.StudyDate, STUDY, "st.study_date", DATE),
            new Column(Tag.StudyTime, STUDY, "st.study_time", TIME),
            new Column(Tag.AccessionNumber, STUDY, "st.accession", TEXT),
            new Column(Tag.StudyID, STUDY, "st.study_id", TEXT),
            new Column(Tag.StudyDescription, STUDY, "st.description", TEXT),
            new Column(Tag.ReferringPhysicianName, STUDY, "st.referring_physician", "st.referring_physician_norm",
                    PERSON_NAME),
            new Column(Tag.ModalitiesInStudy, STUDY, "st.modalities_in_study", MODALITIES),
            new Column(Tag.NumberOfStudyRelatedSeries, STUDY, "st.num_series", COUNT),
            new Column(Tag.NumberOfStudyRelatedInstances, STUDY, "st.num_instances", COUNT),

            new Column(Tag.SeriesInstanceUID, SERIES, "se.series_uid", UID),
            new Column(Tag.Modality, SERIES, "se.modality", TEXT),
            new Column(Tag.SeriesNumber, SERIES, "se.series_number", INTEGER),
            new Column(Tag.SeriesDescription, SERIES, "se.description", TEXT),
            new Column(Tag.BodyPartExamined, SERIES, "se.body_part", TEXT),
            new Column(Tag.NumberOfSeriesRelatedInstances, SERIES, "se.num_instances", COUNT),

            new Column(Tag.SOPInstanceUID, IMAGE, "i.sop_uid", UID),
            new Column(Tag.SOPClassUID, IMAGE, "i.sop_class_uid", UID),
            new Column(Tag.InstanceNumber, IMAGE, "i.instance_number", INTEGER),
            new Column(Tag.AvailableTransferSyntaxUID, IMAGE, "i.transfer_syntax", UID))
            .collect(Collectors.toUnmodifiableMap(Column::tag, Function.identity()));

    /**
     * Keys that steer the query or describe the response rather than select entities: never matched, and
     * (but for Instance Availability) filled in by the query service rather than from the index.
     */
    static final Set<Integer> CONTROL = Set.of(Tag.QueryRetrieveLevel, Tag.SpecificCharacterSet, Tag.RetrieveAETitle,
            Tag.InstanceAvailability, Tag.TimezoneOffsetFromUTC, Tag.QueryRetrieveView);

    private KeyCatalog() {
    }

    /** The column of an attribute, or null when it is only in the header. */
    static Column column(int tag) {
        return COLUMNS.get(tag);
    }
}
