package org.gridpacs.archive.query;

import java.util.Optional;

import org.gridpacs.dicom.data.UID;

/** The Query/Retrieve information models served (PS3.4 C.6): their SOP classes and their top level. */
public enum QueryModel {
    PATIENT_ROOT(UID.PatientRootQueryRetrieveInformationModelFind, UID.PatientRootQueryRetrieveInformationModelMove,
            UID.PatientRootQueryRetrieveInformationModelGet, QueryLevel.PATIENT),
    STUDY_ROOT(UID.StudyRootQueryRetrieveInformationModelFind, UID.StudyRootQueryRetrieveInformationModelMove,
            UID.StudyRootQueryRetrieveInformationModelGet, QueryLevel.STUDY);

    private final String find;
    private final String move;
    private final String get;
    private final QueryLevel topLevel;

    QueryModel(String find, String move, String get, QueryLevel topLevel) {
        this.find = find;
        this.move = move;
        this.get = get;
        this.topLevel = topLevel;
    }

    public String findSOPClassUID() {
        return find;
    }

    public String moveSOPClassUID() {
        return move;
    }

    public String getSOPClassUID() {
        return get;
    }

    public QueryLevel topLevel() {
        return topLevel;
    }

    /** The model of a C-FIND, C-MOVE or C-GET SOP Class UID. */
    public static Optional<QueryModel> ofSOPClass(String sopClassUID) {
        for (QueryModel m : values()) {
            if (m.find.equals(sopClassUID) || m.move.equals(sopClassUID) || m.get.equals(sopClassUID)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
