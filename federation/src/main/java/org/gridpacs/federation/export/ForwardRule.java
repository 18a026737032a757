package org.gridpacs.federation.export;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.ElementDictionary;

/**
 * One forwarding rule ({@code federation.forward.<n>.*}): studies stored here with an instance whose attributes
 * all match go to {@code to} under {@code profile}, once per study and destination.
 *
 * @param id the {@code <n>} of its keys; exports it queues have origin {@code rule <n>}
 */
public record ForwardRule(String id, List<Condition> conditions, String to, ExportProfile profile) {

    /** {@code Keyword=value}: the attribute's value (all of it, with '*' and '?' wildcards) equals value. */
    public record Condition(String keyword, int tag, Pattern value) {
        boolean matches(DataSet ds) {
            String v = ds.getString(tag);
            return v != null && value.matcher(v.strip()).matches();
        }
    }

    public ForwardRule {
        conditions = List.copyOf(conditions);
    }

    /** Whether this instance (its header) matches every condition. */
    public boolean matches(DataSet header) {
        return conditions.stream().allMatch(c -> c.matches(header));
    }

    /**
     * Parses {@code Keyword=value; Keyword=value} (every condition must hold); {@code key} names the setting in
     * errors.
     */
    static List<Condition> parseMatch(String key, String text) {
        List<Condition> out = new ArrayList<>();
        for (String part : text.split(";")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(key + ": '" + p + "' is not Keyword=value (e.g. InstitutionName="
                        + "St Mary, ReferringPhysicianName=SMITH^JOHN)");
            }
            String keyword = p.substring(0, eq).strip();
            int tag = ElementDictionary.tagForKeyword(keyword);
            if (tag < 0) {
                throw new IllegalArgumentException(key + ": '" + keyword + "' is not a DICOM attribute keyword");
            }
            out.add(new Condition(keyword, tag, wildcard(p.substring(eq + 1).strip())));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(key + ": no condition (Keyword=value; ...)");
        }
        return out;
    }

    private static Pattern wildcard(String v) {
        StringBuilder re = new StringBuilder();
        for (char ch : v.toCharArray()) {
            re.append(ch == '*' ? ".*" : ch == '?' ? "." : Pattern.quote(String.valueOf(ch)));
        }
        return Pattern.compile(re.toString());
    }
}
