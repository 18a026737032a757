package org.gridpacs.web.qido;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.eclipse.jetty.util.Fields;
import org.gridpacs.archive.query.QueryLevel;
import org.gridpacs.archive.query.QueryOptions;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.ElementDictionary;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.web.HttpProblem;
import org.gridpacs.web.ResourcePath;

/**
 * A QIDO-RS request (PS3.18 8.3.4, 10.6.1) as the C-FIND identifier and options of the query service: match keys
 * by keyword or tag, {@code includefield} (repeated, comma separated, {@code all}), {@code limit}, {@code offset},
 * {@code fuzzymatching}; the UIDs of the path as unique keys; the default return attributes of the level (and of
 * the levels above for the relational searches {@code /series}, {@code /instances} and
 * {@code /studies/{s}/instances}).
 *
 * <p>Not supported, and said so in a Warning header rather than refused (8.3 says to ignore what is not
 * supported): sequence matching (a dotted key, {@code 00400275.00400009=..}), and match keys of a level below the
 * one searched ({@code /studies?Modality=CT}; ModalitiesInStudy is the study key).
 *
 * @param matchesNothing the query parameters contradict the path (another Study Instance UID): the answer is []
 * @param warnings       what was ignored, for Warning headers
 */
record QidoQuery(QueryLevel level, DataSet identifier, QueryOptions options, boolean matchesNothing,
                 List<String> warnings) {
    /** Keys that steer the query service or describe the answer: never taken from the request. */
    private static final Set<Integer> NOT_KEYS = Set.of(Tag.QueryRetrieveLevel, Tag.SpecificCharacterSet,
            Tag.RetrieveAETitle, Tag.RetrieveURL, Tag.InstanceAvailability, Tag.TimezoneOffsetFromUTC);
    private static final Set<String> CONTROL = Set.of("limit", "offset", "fuzzymatching", "includefield", "accept",
            "charset");

    static QidoQuery parse(ResourcePath path, Fields parameters) throws HttpProblem {
        QueryLevel level = switch (path.kind()) {
            case SEARCH_STUDIES -> QueryLevel.STUDY;
            case SEARCH_SERIES -> QueryLevel.SERIES;
            case SEARCH_INSTANCES -> QueryLevel.IMAGE;
            default -> throw new IllegalArgumentException("not a QIDO-RS path: " + path);
        };
        List<String> warnings = new ArrayList<>();
        Set<Integer> returned = new LinkedHashSet<>(DefaultAttributes.of(level));
        // relational searches return the attributes of the levels the path does not fix (10.6.3.3.1-2)
        boolean relational = false;
        if (level != QueryLevel.STUDY && path.study() == null) {
            returned.addAll(DefaultAttributes.of(QueryLevel.STUDY));
            relational = true;
        }
        if (level == QueryLevel.IMAGE && path.series() == null) {
            returned.addAll(DefaultAttributes.of(QueryLevel.SERIES));
            relational = true;
        }
        if (level != QueryLevel.STUDY) {
            returned.add(Tag.StudyInstanceUID); // for Retrieve URL
        }
        if (level == QueryLevel.IMAGE) {
            returned.add(Tag.SeriesInstanceUID);
        }
        Map<Integer, String> keys = new LinkedHashMap<>();
        for (Fields.Field f : parameters) {
            String name = f.getName();
            if (CONTROL.contains(name.toLowerCase(Locale.ROOT))) {
                if (name.equalsIgnoreCase("includefield")) {
                    includeFields(f.getValues(), level, returned);
                }
                continue;
            }
            if (name.indexOf('.') >= 0) {
                if (AttributeKey.parse(AttributeKey.top(name), "query key") != -1) {
                    warnings.add("the key " + name + " was ignored: sequence matching is not supported");
                }
                continue;
            }
            int tag = AttributeKey.parse(name, "query key");
            if (tag == -1 || NOT_KEYS.contains(tag)) {
                continue; // not an attribute: ignored (8.3)
            }
            if (!AttributeLevels.allowedAt(tag, level)) {
                warnings.add("the key " + name + " was ignored: not an attribute of the " + levelName(level) + " level");
                continue;
            }
            List<String> values = f.getValues().stream().filter(v -> !v.isEmpty()).toList();
            String value = String.join("\\", values);
            if (!value.isEmpty() && !vrOf(tag).isString()) {
                // sequences and binary values (US, FL, OB...) are not matched: returned, as an includefield is
                warnings.add("the value of " + name + " was ignored: matching on " + vrOf(tag) + " attributes is not"
                        + " supported");
                returned.add(tag);
                continue;
            }
            VR keyVr = ElementDictionary.vrOf(tag);
            if (keyVr == VR.UI || keyVr == VR.CS) {
                // no UI or CS value can hold a ',' (PS3.5 6.2): it separates values, as '\' does. UID lists come
                // both ways; OHIF's study list sends the modalities picked as ModalitiesInStudy=CT%2CMR
                value = value.replace(',', '\\');
            }
            keys.put(tag, value);
        }
        boolean nothing = false;
        nothing |= pathKey(keys, Tag.StudyInstanceUID, path.study());
        nothing |= pathKey(keys, Tag.SeriesInstanceUID, path.series());

        DataSet id = new DataSet();
        id.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192"); // keys are Unicode text
        id.setString(Tag.QueryRetrieveLevel, VR.CS, level.name());
        for (int tag : returned) {
            id.setNull(tag, vrOf(tag));
        }
        for (Map.Entry<Integer, String> k : keys.entrySet()) {
            id.setString(k.getKey(), vrOf(k.getKey()), k.getValue());
        }
        QueryOptions options = new QueryOptions(relational, false)
                .withFuzzyPersonNames(fuzzy(parameters))
                .withPaging(number(parameters, "offset", 0, 0), number(parameters, "limit", QueryOptions.UNLIMITED, 1));
        return new QidoQuery(level, id, options, nothing, warnings);
    }

    /**
     * Puts the path's UID in as the key; true when the query's own value for it names other UIDs only (the
     * request then matches nothing).
     */
    private static boolean pathKey(Map<Integer, String> keys, int tag, String uid) {
        if (uid == null) {
            return false;
        }
        String asked = keys.put(tag, uid);
        if (asked == null || asked.isEmpty() || asked.chars().allMatch(c -> c == '*')) {
            return false;
        }
        return !List.of(asked.split("\\\\")).contains(uid);
    }

    private static void includeFields(List<String> values, QueryLevel level, Set<Integer> returned)
            throws HttpProblem {
        for (String value : values) {
            for (String item : value.split(",")) {
                String name = item.trim();
                if (name.isEmpty()) {
                    continue;
                }
                if (name.equalsIgnoreCase("all")) {
                    for (QueryLevel l : QueryLevel.values()) {
                        if (l.isAtOrAbove(level)) {
                            returned.addAll(AttributeLevels.listed(l));
                        }
                    }
                    continue;
                }
                int tag = AttributeKey.parse(AttributeKey.top(name), "includefield");
                if (tag == -1) {
                    throw HttpProblem.badRequest("includefield " + name + ": not an attribute keyword or tag");
                }
                // attributes of a lower level are never returned (PS3.18 10.6.3.3.2)
                if (AttributeLevels.allowedAt(tag, level) && !NOT_KEYS.contains(tag)) {
                    returned.add(tag);
                }
            }
        }
    }

    private static boolean fuzzy(Fields parameters) throws HttpProblem {
        String v = parameters.getValue("fuzzymatching");
        if (v == null || v.isEmpty()) {
            return false;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw HttpProblem.badRequest("fuzzymatching must be true or false, not \"" + v + "\"");
        };
    }

    private static long number(Fields parameters, String name, long absent, long min) throws HttpProblem {
        String v = parameters.getValue(name);
        if (v == null || v.isEmpty()) {
            return absent;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw HttpProblem.badRequest(name + " must be an integer " + (min == 0 ? "0 or more" : "1 or more")
                + ", not \"" + v + "\"");
    }

    private static VR vrOf(int tag) {
        VR vr = ElementDictionary.vrOf(tag);
        return vr != null ? vr : VR.UN;
    }

    static String levelName(QueryLevel level) {
        return level == QueryLevel.IMAGE ? "instance" : level.name().toLowerCase(Locale.ROOT);
    }
}
