package org.gridpacs.web.qido;

import static org.gridpacs.archive.query.QueryLevel.IMAGE;
import static org.gridpacs.archive.query.QueryLevel.PATIENT;
import static org.gridpacs.archive.query.QueryLevel.SERIES;
import static org.gridpacs.archive.query.QueryLevel.STUDY;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.gridpacs.archive.query.QueryLevel;
import org.gridpacs.dicom.data.Tag;

/**
 * The level of the information model each attribute belongs to, so that a QIDO-RS answer never holds an attribute
 * of a level below its own (PS3.18 10.6.3.3.2: no instance attributes in a series answer; the query service would
 * take them from the series' first instance). Patient level: the Patient and Clinical Trial Subject modules;
 * study level: General Study, Patient Study and the study's summary attributes; series level: General Series,
 * Frame of Reference, General Equipment, Clinical Trial Series. Everything else (private attributes included) is
 * taken as an instance attribute. These lists are also what {@code includefield=all} names above the instance
 * level.
 */
final class AttributeLevels {
    private static final Map<Integer, QueryLevel> LEVELS = new HashMap<>();
    private static final Map<QueryLevel, List<Integer>> BY_LEVEL = new HashMap<>();

    static {
        put(PATIENT, Tag.PatientName, Tag.PatientID, Tag.IssuerOfPatientID, Tag.PatientBirthDate, Tag.PatientSex,
                Tag.PatientBirthTime, Tag.OtherPatientIDsSequence, Tag.OtherPatientNames, Tag.EthnicGroup,
                Tag.PatientComments, Tag.PatientSpeciesDescription, Tag.PatientBreedDescription,
                Tag.ResponsibleOrganization, Tag.PatientIdentityRemoved, Tag.DeidentificationMethod,
                Tag.NumberOfPatientRelatedStudies, Tag.NumberOfPatientRelatedSeries,
                Tag.NumberOfPatientRelatedInstances, Tag.ClinicalTrialSponsorName, Tag.ClinicalTrialProtocolID,
                Tag.ClinicalTrialProtocolName, Tag.ClinicalTrialSiteID, Tag.ClinicalTrialSiteName,
                Tag.ClinicalTrialSubjectID, Tag.ClinicalTrialSubjectReadingID);
        put(STUDY, Tag.StudyInstanceUID, Tag.StudyDate, Tag.StudyTime, Tag.AccessionNumber,
                Tag.IssuerOfAccessionNumberSequence, Tag.ReferringPhysicianName,
                Tag.ReferringPhysicianIdentificationSequence, Tag.StudyID, Tag.StudyDescription,
                Tag.ProcedureCodeSequence, Tag.PhysiciansOfRecord, Tag.NameOfPhysiciansReadingStudy,
                Tag.ReferencedStudySequence, Tag.ModalitiesInStudy, Tag.SOPClassesInStudy,
                Tag.NumberOfStudyRelatedSeries, Tag.NumberOfStudyRelatedInstances, Tag.AdmittingDiagnosesDescription,
                Tag.PatientAge, Tag.PatientSize, Tag.PatientWeight, Tag.Occupation, Tag.AdditionalPatientHistory,
                Tag.AdmissionID, Tag.RequestingPhysician, Tag.RequestingService, Tag.RequestedProcedureDescription,
                Tag.ClinicalTrialTimePointID, Tag.ClinicalTrialTimePointDescription);
        put(SERIES, Tag.SeriesInstanceUID, Tag.Modality, Tag.SeriesNumber, Tag.SeriesDescription, Tag.SeriesDate,
                Tag.SeriesTime, Tag.BodyPartExamined, Tag.Laterality, Tag.ProtocolName, Tag.PerformingPhysicianName,
                Tag.OperatorsName, Tag.PatientPosition, Tag.PerformedProcedureStepStartDate,
                Tag.PerformedProcedureStepStartTime, Tag.PerformedProcedureStepID,
                Tag.PerformedProcedureStepDescription, Tag.RequestAttributesSequence,
                Tag.ReferencedPerformedProcedureStepSequence, Tag.RelatedSeriesSequence,
                Tag.NumberOfSeriesRelatedInstances, Tag.FrameOfReferenceUID, Tag.PositionReferenceIndicator,
                Tag.Manufacturer, Tag.InstitutionName, Tag.InstitutionAddress, Tag.StationName,
                Tag.InstitutionalDepartmentName, Tag.ManufacturerModelName, Tag.DeviceSerialNumber,
                Tag.SoftwareVersions, Tag.ClinicalTrialCoordinatingCenterName, Tag.ClinicalTrialSeriesID,
                Tag.ClinicalTrialSeriesDescription);
    }

    private AttributeLevels() {
    }

    private static void put(QueryLevel level, int... tags) {
        List<Integer> list = BY_LEVEL.computeIfAbsent(level, l -> new ArrayList<>());
        for (int t : tags) {
            LEVELS.put(t, level);
            list.add(t);
        }
    }

    /** The level of {@code tag}: IMAGE for every attribute not listed. */
    static QueryLevel of(int tag) {
        return LEVELS.getOrDefault(tag, IMAGE);
    }

    /**
     * Whether an attribute may be returned or matched at {@code level}: it belongs to that level or one above
     * (patient attributes count as study attributes: QIDO-RS has no patient level).
     */
    static boolean allowedAt(int tag, QueryLevel level) {
        return of(tag).isAtOrAbove(level);
    }

    /** The attributes listed for exactly this level (none for IMAGE). */
    static List<Integer> listed(QueryLevel level) {
        return BY_LEVEL.getOrDefault(level, List.of());
    }
}
