package org.gridpacs.dicom.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One value of a PN element (PS3.5 6.2.1): up to three component groups separated by '=' (alphabetic,
 * ideographic, phonetic), each with up to five components separated by '^'. Immutable.
 *
 * <p>Absent and empty components are the same thing in DICOM, so {@link #get} returns "" for both.
 */
public final class PersonName {

    public enum Group { ALPHABETIC, IDEOGRAPHIC, PHONETIC }

    public enum Component { FAMILY, GIVEN, MIDDLE, PREFIX, SUFFIX }

    private static final int GROUPS = Group.values().length;
    private static final int COMPONENTS = Component.values().length;

    private static final PersonName EMPTY = new PersonName(new String[GROUPS * COMPONENTS]);

    /** Indexed by group * COMPONENTS + component; never null entries after construction. */
    private final String[] parts;

    private PersonName(String[] parts) {
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] == null) {
                parts[i] = "";
            }
        }
        this.parts = parts;
    }

    /**
     * Parses one PN value (already decoded and split at backslashes). Components are trimmed because
     * padding and spaces around delimiters carry no meaning. Malformed input is tolerated rather than
     * rejected, since it comes from files we must still read: components beyond the fifth are appended to
     * the suffix with a space, groups beyond the third are dropped.
     */
    public static PersonName parse(String value) {
        if (value == null || value.isBlank()) {
            return EMPTY;
        }
        String[] parts = new String[GROUPS * COMPONENTS];
        String[] groups = value.split("=", -1);
        for (int g = 0; g < Math.min(groups.length, GROUPS); g++) {
            String[] comps = groups[g].split("\\^", -1);
            for (int c = 0; c < comps.length; c++) {
                String comp = comps[c].trim();
                int idx = g * COMPONENTS + Math.min(c, COMPONENTS - 1);
                if (c < COMPONENTS || parts[idx].isEmpty()) {
                    parts[idx] = comp;
                } else if (!comp.isEmpty()) {
                    parts[idx] = parts[idx] + ' ' + comp;
                }
            }
        }
        return new PersonName(parts);
    }

    /** A name with only alphabetic family and given names, the common case when building queries. */
    public static PersonName of(String family, String given) {
        return EMPTY.with(Group.ALPHABETIC, Component.FAMILY, family).with(Group.ALPHABETIC, Component.GIVEN, given);
    }

    /** The component, or "" when absent. */
    public String get(Group group, Component component) {
        return parts[group.ordinal() * COMPONENTS + component.ordinal()];
    }

    /** The component of the alphabetic group. */
    public String get(Component component) {
        return get(Group.ALPHABETIC, component);
    }

    /** A copy with one component replaced; null means empty. */
    public PersonName with(Group group, Component component, String value) {
        String[] copy = parts.clone();
        copy[group.ordinal() * COMPONENTS + component.ordinal()] = value == null ? "" : value.trim();
        return new PersonName(copy);
    }

    public boolean isEmpty() {
        return Arrays.stream(parts).allMatch(String::isEmpty);
    }

    public boolean isEmpty(Group group) {
        for (Component c : Component.values()) {
            if (!get(group, c).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** The DICOM encoding, without the trailing empty components and groups that PS3.5 lets us drop. */
    @Override
    public String toString() {
        List<String> groups = new ArrayList<>(GROUPS);
        for (Group g : Group.values()) {
            groups.add(groupToString(g));
        }
        while (!groups.isEmpty() && groups.get(groups.size() - 1).isEmpty()) {
            groups.remove(groups.size() - 1);
        }
        return String.join("=", groups);
    }

    private String groupToString(Group g) {
        int last = COMPONENTS - 1;
        while (last >= 0 && get(g, Component.values()[last]).isEmpty()) {
            last--;
        }
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c <= last; c++) {
            if (c > 0) {
                sb.append('^');
            }
            sb.append(get(g, Component.values()[c]));
        }
        return sb.toString();
    }

    /**
     * The name for people to read: "Prefix Given Middle Family, Suffix" from the alphabetic group. When only
     * ideographic or phonetic groups exist, their components are shown in stored order (family first), which
     * is how the scripts that use those groups write names.
     */
    public String toFormattedString() {
        if (!isEmpty(Group.ALPHABETIC)) {
            String name = joinNonEmpty(Group.ALPHABETIC,
                    Component.PREFIX, Component.GIVEN, Component.MIDDLE, Component.FAMILY);
            String suffix = get(Group.ALPHABETIC, Component.SUFFIX);
            return suffix.isEmpty() ? name : name.isEmpty() ? suffix : name + ", " + suffix;
        }
        for (Group g : List.of(Group.IDEOGRAPHIC, Group.PHONETIC)) {
            if (!isEmpty(g)) {
                return joinNonEmpty(g, Component.values());
            }
        }
        return "";
    }

    private String joinNonEmpty(Group g, Component... order) {
        StringBuilder sb = new StringBuilder();
        for (Component c : order) {
            String s = get(g, c);
            if (!s.isEmpty()) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(s);
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PersonName other && Arrays.equals(parts, other.parts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(parts);
    }
}
