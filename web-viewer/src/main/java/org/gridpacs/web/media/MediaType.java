package org.gridpacs.web.media;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A media type with its parameters (RFC 9110 8.3.1), as DICOMweb clients write them: parameter values quoted or
 * not ({@code type="application/dicom"} and {@code type=application/dicom} are the same), in any order, names
 * case-insensitive. {@code multipart/related; type="application/octet-stream"; transfer-syntax=*} is one media
 * type whose parameters are {@code type} and {@code transfer-syntax}.
 */
public record MediaType(String type, String subtype, Map<String, String> parameters) {
    public static final MediaType ANY = new MediaType("*", "*", Map.of());

    public MediaType {
        type = type.toLowerCase(Locale.ROOT);
        subtype = subtype.toLowerCase(Locale.ROOT);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public static MediaType of(String type, String subtype) {
        return new MediaType(type, subtype, Map.of());
    }

    /**
     * Parses one media type.
     *
     * @throws IllegalArgumentException naming what is wrong, for a value that is not a media type
     */
    public static MediaType parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("no media type");
        }
        List<String> parts = split(value, ';');
        String essence = parts.get(0).trim();
        int slash = essence.indexOf('/');
        if (slash <= 0 || slash == essence.length() - 1 || !token(essence.substring(0, slash))
                || !token(essence.substring(slash + 1))) {
            throw new IllegalArgumentException("'" + value.trim() + "' is not a media type (type/subtype)");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int k = 1; k < parts.size(); k++) {
            String p = parts.get(k).trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("media type parameter '" + p + "' has no value");
            }
            params.put(p.substring(0, eq).trim().toLowerCase(Locale.ROOT), unquote(p.substring(eq + 1).trim()));
        }
        return new MediaType(essence.substring(0, slash), essence.substring(slash + 1), params);
    }

    /** "type/subtype". */
    public String essence() {
        return type + "/" + subtype;
    }

    public String parameter(String name) {
        return parameters.get(name.toLowerCase(Locale.ROOT));
    }

    /** The {@code type} parameter of a multipart media type, parsed; null when there is none. */
    public MediaType related() {
        String t = parameter("type");
        return t == null ? null : parse(t);
    }

    public boolean isMultipartRelated() {
        return type.equals("multipart") && subtype.equals("related");
    }

    /** Whether {@code other} falls under this one, wildcards in this one included ("image/*" includes "image/jpeg"). */
    public boolean includes(MediaType other) {
        return (type.equals("*") || type.equals(other.type)) && (subtype.equals("*") || subtype.equals(other.subtype));
    }

    public boolean isWildcard() {
        return type.equals("*") || subtype.equals("*");
    }

    /** The header value, parameter values quoted where they need it (a "/" in type= does). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(essence());
        parameters.forEach((k, v) -> sb.append("; ").append(k).append('=').append(token(v) ? v : quote(v)));
        return sb.toString();
    }

    static List<String> split(String value, char separator) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int k = 0; k < value.length(); k++) {
            char c = value.charAt(k);
            if (quoted && c == '\\' && k + 1 < value.length()) {
                cur.append(c).append(value.charAt(++k));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            StringBuilder sb = new StringBuilder();
            for (int k = 1; k < v.length() - 1; k++) {
                char c = v.charAt(k);
                if (c == '\\' && k + 1 < v.length() - 1) {
                    c = v.charAt(++k);
                }
                sb.append(c);
            }
            return sb.toString();
        }
        return v;
    }

    private static String quote(String v) {
        return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static boolean token(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
