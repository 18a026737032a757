package org.gridpacs.gateway.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.ElementDictionary;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;

import picocli.CommandLine.Option;

/** The query/retrieve options shared by find, move and get: information model, level and matching keys. */
final class QueryOptions {

    /** The Query/Retrieve information models (PS3.4 C.3) and their SOP classes. */
    enum Model {
        PatientRoot(UID.PatientRootQueryRetrieveInformationModelFind, UID.PatientRootQueryRetrieveInformationModelMove,
                UID.PatientRootQueryRetrieveInformationModelGet),
        StudyRoot(UID.StudyRootQueryRetrieveInformationModelFind, UID.StudyRootQueryRetrieveInformationModelMove,
                UID.StudyRootQueryRetrieveInformationModelGet);

        final String find;
        final String move;
        final String get;

        Model(String find, String move, String get) {
            this.find = find;
            this.move = move;
            this.get = get;
        }
    }

    /** Query/Retrieve levels with their unique keys. */
    enum Level {
        PATIENT(Tag.PatientID), STUDY(Tag.StudyInstanceUID), SERIES(Tag.SeriesInstanceUID), IMAGE(Tag.SOPInstanceUID);

        final int uniqueKey;

        Level(int uniqueKey) {
            this.uniqueKey = uniqueKey;
        }
    }

    @Option(names = {"-L", "--level"}, required = true, paramLabel = "LEVEL",
            description = "Query/retrieve level: ${COMPLETION-CANDIDATES}.")
    Level level;

    @Option(names = {"-M", "--model"}, paramLabel = "MODEL", defaultValue = "StudyRoot",
            description = "Information model: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Model model;

    @Option(names = {"-m", "--match"}, paramLabel = "KEY=VALUE",
            description = "Matching key: a keyword (PatientID) or tag (0010,0020) and the value to match, "
                    + "with DICOM wildcards (* ?) and ranges (20240101-20240131). Repeatable.")
    List<String> matches = new ArrayList<>();

    /** The identifier: Query/Retrieve Level and the matching keys, plus {@code returnKeys} with empty values. */
    DataSet identifier(List<String> returnKeys) {
        DataSet keys = new DataSet();
        List<String[]> pairs = new ArrayList<>();
        for (String m : matches) {
            int eq = m.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("-m expects KEY=VALUE, got \"" + m + "\"");
            }
            pairs.add(new String[] {m.substring(0, eq), m.substring(eq + 1)});
        }
        // Specific Character Set first, so that the values below are encoded with it
        boolean ascii = pairs.stream().allMatch(p -> StandardCharsets.US_ASCII.newEncoder().canEncode(p[1]));
        if (!ascii) {
            keys.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192");
        }
        for (String key : returnKeys) {
            put(keys, tag(key), "");
        }
        for (String[] p : pairs) {
            put(keys, tag(p[0]), p[1]);
        }
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, level.name());
        return keys;
    }

    static int tag(String key) {
        try {
            return ElementDictionary.parseTag(key);
        } catch (IllegalArgumentException e) {
            throw new UsageException("unknown attribute \"" + key + "\": expected a keyword such as PatientName or a tag "
                    + "such as 0010,0010");
        }
    }

    /** Sets a key with the VR of the dictionary; an empty value means "return this attribute". */
    private static void put(DataSet keys, int tag, String value) {
        VR vr = ElementDictionary.vrOf(tag);
        if (vr == null) {
            throw new UsageException(ElementDictionary.toString(tag) + " is an item delimiter, not an attribute");
        }
        if (vr == VR.SQ) {
            if (!value.isEmpty()) {
                throw new UsageException(ElementDictionary.keywordOf(tag) + " is a sequence: it takes no value here");
            }
            keys.newSequence(tag); // an empty sequence asks for its items
            return;
        }
        if (value.isEmpty()) {
            keys.setNull(tag, vr);
        } else if (vr.isString()) {
            keys.setString(tag, vr, value);
        } else {
            try {
                keys.setInt(tag, vr, parseInts(value));
            } catch (IllegalArgumentException e) {
                throw new UsageException("cannot set " + ElementDictionary.keywordOf(tag) + " (" + vr + ") to \""
                        + value + "\"");
            }
        }
    }

    private static int[] parseInts(String value) {
        String[] parts = value.split("\\\\");
        int[] ints = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            ints[i] = Integer.decode(parts[i].strip());
        }
        return ints;
    }
}
