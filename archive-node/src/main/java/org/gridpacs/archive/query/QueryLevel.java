package org.gridpacs.archive.query;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;

/** Query/Retrieve Level (0008,0052), top to bottom, with the unique key of each level. */
public enum QueryLevel {
    PATIENT(Tag.PatientID),
    STUDY(Tag.StudyInstanceUID),
    SERIES(Tag.SeriesInstanceUID),
    IMAGE(Tag.SOPInstanceUID);

    private final int uniqueKey;

    QueryLevel(int uniqueKey) {
        this.uniqueKey = uniqueKey;
    }

    public int uniqueKey() {
        return uniqueKey;
    }

    /** True when this level is {@code other} or above it (PATIENT is above STUDY). */
    public boolean isAtOrAbove(QueryLevel other) {
        return ordinal() <= other.ordinal();
    }

    /** The level the identifier asks for, checked against the model (no PATIENT level in Study Root). */
    static QueryLevel of(DataSet identifier, QueryModel model) throws QueryException {
        String value = identifier.getString(Tag.QueryRetrieveLevel);
        if (value == null || value.isBlank()) {
            throw QueryException.badIdentifier("no Query/Retrieve Level (0008,0052)");
        }
        QueryLevel level;
        try {
            level = valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw QueryException.badIdentifier("invalid Query/Retrieve Level (0008,0052): " + value);
        }
        if (!model.topLevel().isAtOrAbove(level)) {
            throw QueryException.badIdentifier(level + " level is not part of the " + model + " model");
        }
        return level;
    }
}
