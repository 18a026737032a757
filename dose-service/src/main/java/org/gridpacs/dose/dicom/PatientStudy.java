package org.gridpacs.dose.dicom;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;

/**
 * The Patient (PS3.3 C.7.1.1) and General Study (C.7.2.1) module attributes of an image, with its Specific Character
 * Set: what an object derived from the image (RT Dose, generated RT Plan) copies so it lands in the same patient and
 * study.
 */
public final class PatientStudy {
    static final int[] TAGS = {
        Tag.SpecificCharacterSet,
        // General Study
        Tag.StudyDate, Tag.StudyTime, Tag.AccessionNumber, Tag.IssuerOfAccessionNumberSequence,
        Tag.ReferringPhysicianName, Tag.ReferringPhysicianIdentificationSequence, Tag.ConsultingPhysicianName,
        Tag.StudyDescription, Tag.ProcedureCodeSequence, Tag.PhysiciansOfRecord, Tag.NameOfPhysiciansReadingStudy,
        Tag.ReferencedStudySequence, Tag.ReasonForPerformedProcedureCodeSequence, Tag.StudyInstanceUID, Tag.StudyID,
        // Patient
        Tag.PatientName, Tag.PatientID, Tag.IssuerOfPatientID, Tag.IssuerOfPatientIDQualifiersSequence,
        Tag.PatientBirthDate, Tag.PatientBirthTime, Tag.PatientSex, Tag.ReferencedPatientSequence,
        Tag.OtherPatientIDsSequence, Tag.PatientComments, Tag.PatientSpeciesDescription,
        Tag.PatientSpeciesCodeSequence, Tag.PatientBreedDescription, Tag.PatientBreedCodeSequence,
        Tag.ResponsiblePerson, Tag.ResponsiblePersonRole, Tag.ResponsibleOrganization, Tag.PatientIdentityRemoved,
        Tag.DeidentificationMethod, Tag.DeidentificationMethodCodeSequence, Tag.QualityControlSubject,
    };

    private PatientStudy() {
    }

    /** The image's Patient and General Study attributes (those it has), Specific Character Set first. */
    public static DataSet of(DataSet image) {
        DataSet out = new DataSet();
        // the character set first, so text copied after it is read back with it
        for (int tag : TAGS) {
            int i = image.indexOf(tag);
            if (i >= 0) {
                DataSet one = new DataSet();
                one.setValue(tag, image.vrAt(i), image.valueAt(i));
                out.addAll(one);
            }
        }
        return out;
    }
}
