package org.gridpacs.federation.deid;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.gridpacs.dicom.data.DataSet;

/**
 * For tests elsewhere (the exchange's): {@link DeidentifierTest}'s walk of a de-identified instance against
 * Table E.1-1 and the original's values, so that an instance that went through the network is checked exactly as
 * one de-identified to a file.
 */
public final class ProfileCheck {
    private ProfileCheck() {
    }

    /** What is wrong with {@code deidentified} as the de-identification of {@code original} (empty: nothing). */
    public static List<String> problems(DataSet original, DataSet deidentified, DeidentificationOptions options) {
        Map<Integer, Set<String>> removed = new HashMap<>();
        Set<String> uids = new HashSet<>();
        DeidentifierTest.collect(original, options, removed, uids);
        List<String> problems = new ArrayList<>();
        DeidentifierTest.check(deidentified, options, removed, uids, "", problems);
        return problems;
    }
}
