package org.gridpacs.federation.site;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What one site may do at another: query (C-FIND), retrieve (C-MOVE, C-GET), send (C-STORE, exports). */
public enum Permission {
    QUERY, RETRIEVE, SEND;

    /** A comma-separated list ("query, retrieve"; empty or "none": nothing); {@code key} names the setting in errors. */
    static Set<Permission> parseList(String key, String value) {
        Set<Permission> out = EnumSet.noneOf(Permission.class);
        String v = value.strip();
        if (v.isEmpty() || v.equalsIgnoreCase("none")) {
            return out;
        }
        for (String item : v.split(",")) {
            String name = item.strip().toUpperCase(Locale.ROOT);
            try {
                out.add(Permission.valueOf(name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": '" + item.strip()
                        + "' is not a permission (query, retrieve, send, or none)");
            }
        }
        return out;
    }
}
